import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { PROBLEM_BASE, PROBLEMS, type ProblemCode } from '../../src/http/problems.js';

/** Seconds a client throttled by API Gateway is told to wait (`retry-after`). */
export const GATEWAY_RETRY_AFTER_SECONDS = 1;

/**
 * What API Gateway answers itself, before or instead of the API function, as the problem the
 * application would have answered: each response type with its problem code (the status comes
 * from the problem table). Types that cannot occur on this API (IAM, authorizer and API-key
 * failures, usage-plan quotas) fall to DEFAULT_4XX / DEFAULT_5XX.
 */
export const GATEWAY_PROBLEMS: Readonly<Record<string, ProblemCode>> = {
  THROTTLED: 'rate-limited',
  WAF_FILTERED: 'request-blocked',
  // Only a path outside every resource gets this; the root proxy leaves none, but it stays a 404.
  MISSING_AUTHENTICATION_TOKEN: 'route-not-found',
  RESOURCE_NOT_FOUND: 'route-not-found',
  REQUEST_TOO_LARGE: 'payload-too-large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported-media-type',
  BAD_REQUEST_BODY: 'invalid-request',
  BAD_REQUEST_PARAMETERS: 'invalid-request',
  INTEGRATION_TIMEOUT: 'gateway-timeout',
  INTEGRATION_FAILURE: 'bad-gateway',
  API_CONFIGURATION_ERROR: 'internal-error',
  DEFAULT_4XX: 'invalid-request',
  DEFAULT_5XX: 'bad-gateway',
};

/**
 * The problem body of a gateway response. Gateway response templates get simple `$context`
 * substitution only (no VTL), so one body serves every path: Amadeus-compatible paths get
 * problem+json from the gateway too, as docs/aws.md says.
 */
export function gatewayProblemTemplate(code: ProblemCode): string {
  const { status, title } = PROBLEMS[code];
  return [
    '{',
    `"type":"${PROBLEM_BASE}${code}",`,
    `"title":"${title}",`,
    `"status":${status},`,
    '"detail":$context.error.messageString,',
    '"instance":"$context.path",',
    '"requestId":"$context.requestId"',
    '}',
  ].join('');
}

/**
 * Adds a gateway response per entry of GATEWAY_PROBLEMS: the problem's status, content type
 * `application/problem+json`, `retry-after` on throttling, and `access-control-allow-origin: *`
 * when every origin is allowed (a browser could not read the error otherwise).
 */
export function addProblemResponses(api: apigateway.RestApi, options: { anyOrigin: boolean }): void {
  for (const [type, code] of Object.entries(GATEWAY_PROBLEMS)) {
    const status = PROBLEMS[code].status;
    api.addGatewayResponse(`Problem-${type}`, {
      type: apigateway.ResponseType.of(type),
      statusCode: String(status),
      responseHeaders: {
        'Content-Type': "'application/problem+json'",
        ...(status === 429 ? { 'Retry-After': `'${GATEWAY_RETRY_AFTER_SECONDS}'` } : {}),
        ...(options.anyOrigin ? { 'Access-Control-Allow-Origin': "'*'" } : {}),
      },
      templates: { 'application/json': gatewayProblemTemplate(code) },
    });
  }
}
