/**
 * A rule's naming configuration (`seriesFilters`, `name`, `resources`) cannot be compiled, or a
 * resource has no label form. Messages follow prometheus-adapter's; `cause` keeps the
 * underlying RegexError / TemplateError.
 */
export class NamingError extends Error {
  override readonly name = 'NamingError';
}
