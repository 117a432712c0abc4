export { createActionsService, isEntraConfigured, type ActionsDeps } from './execute.js';
export { applyUserAnswer, UserAnswerInput } from './answer.js';
export type { ActionsService, UserMessenger } from './types.js';
