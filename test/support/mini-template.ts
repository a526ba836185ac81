/**
 * Test support: a stand-in for compiled `<<.Field>>` templates that only substitutes plain field
 * references (`<<.Series>>`, `<<.LabelMatchers>>`, `<<.GroupBy>>`), so provider tests can use
 * upstream-style query templates without the full Go template engine.
 */
import type { QueryRenderer } from '../../src/rules/compiled-rule.ts';

export const miniTemplate = (text: string): QueryRenderer => ({
  render: (data) =>
    text.replace(/<<\s*\.(\w+)\s*>>/g, (_m, field: string) => {
      const value = data[field];
      if (typeof value !== 'string') throw new Error(`no string field ${field}`);
      return value;
    }),
});
