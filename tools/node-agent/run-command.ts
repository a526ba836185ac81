import { execFile } from 'node:child_process';

/** A host command that exited non-zero; `stderr` is kept for the log. */
export class CommandError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CommandError';
    this.stderr = stderr;
  }
}

/** Runs `file args…` (no shell) and resolves with its stdout; rejects with CommandError. */
export const runCommand = (file: string, args: readonly string[]): Promise<string> =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(
          new CommandError(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`, stderr, {
            cause: err,
          }),
        );
        return;
      }
      resolve(stdout);
    });
  });
