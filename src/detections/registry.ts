import { anonymousIp } from './anonymous-ip.js';
import type { AnyDetection } from './types.js';

/** Every built-in detection. Ids are public API and never renamed. */
export const builtInDetections: readonly AnyDetection[] = [anonymousIp];

export function findDetection(id: string): AnyDetection | undefined {
  return builtInDetections.find((d) => d.id === id);
}
