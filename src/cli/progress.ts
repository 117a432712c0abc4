export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export interface Progress {
  /** Report how far along: `done` of `total` (total may be unknown, e.g. a sweep of a backlog). */
  update(done: number, total?: number): void;
  /** Finish the bar (a newline on a TTY). */
  done(): void;
}

/**
 * A one-line progress bar for long commands (export, replay, the first sweep of a large backlog). Drawn only
 * when the stream is a TTY; quiet otherwise (pipes, CI, log files), so output stays clean for machines.
 */
export function createProgress(label: string, stream: ProgressStream = process.stderr): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = '';
  let drawn = false;
  return {
    update(done, total) {
      let line: string;
      if (total && total > 0) {
        const ratio = Math.min(1, Math.max(0, done / total));
        const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - label.length - 30));
        const filled = Math.round(ratio * width);
        line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} (${Math.floor(ratio * 100)}%)`;
      } else line = `${label} ${done}`;
      if (line === last) return;
      last = line;
      drawn = true;
      stream.write(`\r\x1b[2K${line}`);
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
