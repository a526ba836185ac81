/**
 * The one error type of the template engine. Messages follow Go's text/template:
 * `template: <name>:<line>: <msg>` for parse errors and
 * `template: <name>:<line>:<col>: executing "<name>" at <<node>>: <msg>` for execution errors.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Thrown by builtin functions and value helpers; the evaluator catches it and rethrows a
 * TemplateError that carries the location of the failing node. Never escapes the engine.
 */
export class ExecFailure extends Error {
  override readonly name = 'ExecFailure';
}
