import type { ActionOutcome, ActionRequest } from '../domain/index.js';

/**
 * The shared actions layer (Entra ID via Microsoft Graph). Channels authorise the clicking user against their
 * own responder list first, then call `execute`. Implementations are idempotent per alert + action kind:
 * a repeat returns the first outcome. In dry-run they perform nothing and say so in the outcome.
 */
export interface ActionsService {
  execute(req: ActionRequest): Promise<ActionOutcome>;
}
