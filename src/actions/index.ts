export { createActionsService, isEntraConfigured, type ActionsDeps } from './execute.js';
export { applyUserAnswer, UserAnswerInput } from './answer.js';
export type { ActionsService, UserMessenger } from './types.js';
export { createOwnership, decideOwnership, ownerText, type OwnershipRequest, type OwnershipResult } from './ownership.js';
