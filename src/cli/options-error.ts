/**
 * A command line that cannot be used, worded as spf13/pflag words it (`unknown flag: --x`,
 * `invalid argument "x" for "--secure-port" flag: ...`). The caller prints the message and the
 * usage text to stderr and exits with `exitCode` (2, as pflag's ExitOnError does).
 */
export class OptionsError extends Error {
  override readonly name = 'OptionsError';
  readonly exitCode = 2;
}
