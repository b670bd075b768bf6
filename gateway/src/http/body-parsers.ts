import { errorMessage } from '@conveyor/http';
import { errorCodes, type FastifyInstance } from 'fastify';

/**
 * Bodies are read at the gateway, so that an oversize body is a 413 and malformed JSON a 400 here,
 * before any upstream is chosen (@fastify/http-proxy would otherwise stream them through as they
 * are). JSON is checked, then kept as the raw bytes: forwarding re-serialised JSON would change
 * numbers beyond 2^53 and key order. Other media types pass through as bytes, within the limit.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, raw, done) => {
    if (raw.length === 0) {
      done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY(), undefined);
      return;
    }
    try {
      JSON.parse(raw.toString('utf8'));
    } catch (error) {
      const invalid = new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY();
      invalid.message = `${invalid.message} (${errorMessage(error)})`;
      done(invalid, undefined);
      return;
    }
    done(null, raw);
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}
