/**
 * `GET /debug/explain?path=<url-encoded request path>` on the serving port: the explanation as
 * text, or as JSON with `&output=json` or `Accept: application/json`. Mounted as an operator
 * route, so it runs behind the same authentication and authorization as `/metrics`.
 */
import type { OperatorReply, OperatorRequest } from '../api/router.ts';
import { headerValue } from '../api/http-types.ts';
import type { Logger } from '../log.ts';
import type { ExplainDeps } from './deps.ts';
import { explain } from './explain.ts';
import { renderText } from './render-text.ts';

export const EXPLAIN_PATH = '/debug/explain';

const TEXT = 'text/plain; charset=utf-8';
const plain = (status: number, body: string): OperatorReply => ({
  status,
  contentType: TEXT,
  body,
});

const wantsJson = (req: OperatorRequest): boolean =>
  req.query.get('output') === 'json' ||
  (req.query.get('output') === null &&
    (headerValue(req.headers, 'accept') ?? '').includes('application/json'));

/** The handler of `/debug/explain`. */
export const explainHandler =
  (deps: ExplainDeps, logger: Logger) =>
  async (req: OperatorRequest): Promise<OperatorReply> => {
    if (req.method !== 'GET') return plain(405, 'only GET is supported\n');
    const path = req.query.get('path');
    if (path === null || path.trim() === '') {
      return plain(
        400,
        `missing ?path=<url-encoded request path>, e.g. ${EXPLAIN_PATH}?path=%2Fapis%2Fcustom.metrics.k8s.io%2Fv1beta1%2Fnamespaces%2Fdefault%2Fpods%2F*%2Fhttp_requests\n`,
      );
    }
    try {
      const e = await explain(deps, path, req.signal);
      return wantsJson(req)
        ? { status: 200, contentType: 'application/json', body: `${JSON.stringify(e, null, 2)}\n` }
        : plain(200, renderText(e));
    } catch (err) {
      logger.error('explain failed', { path, err });
      return plain(500, `explain failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  };
