import type { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addProblemResponses } from './gateway-responses.js';

/** Stage-wide method throttling of the REST API (requests per second, burst). */
export const API_THROTTLING = { rateLimit: 10_000, burstLimit: 5_000 } as const;

export interface RestApiProps {
  stageName: string;
  environmentSuffix: string;
  /** The API function's live alias: traffic shifting happens behind it. */
  handler: lambda.IFunction;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
  /** CORS_ORIGINS of the function: `*` also lets browsers read the gateway's own errors. */
  corsOrigins: string;
  /** A custom domain (regional ACM certificate in the stack's region), mapped at the root path. */
  customDomain?: { domainName: string; certificateArn: string };
}

/**
 * The regional REST API: every path and method, preflights included, proxied to the API function,
 * which alone authenticates (its keys, plans and rate limits; ADR 21). Stage throttling and the web
 * firewall bound what reaches it; what the gateway answers itself is problem+json. No resource
 * policy: the API is public by design and each request is authenticated by key and, for bookings,
 * bearer token.
 */
export class PlatformRestApi extends Construct {
  readonly api: apigateway.RestApi;
  /** The custom domain, when one is configured. */
  readonly domain?: apigateway.DomainName;

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: `travel-platform-${props.environmentSuffix}`,
      description: 'travel-platform: flight and hotel search, price confirmation and booking',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      cloudWatchRole: true,
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields({
          caller: false,
          httpMethod: true,
          ip: true,
          protocol: true,
          requestTime: true,
          resourcePath: true,
          responseLength: true,
          status: true,
          user: false,
        }),
        throttlingRateLimit: API_THROTTLING.rateLimit,
        throttlingBurstLimit: API_THROTTLING.burstLimit,
      },
    });
    const integration = new apigateway.LambdaIntegration(props.handler, { proxy: true });
    // One route for everything: /v1, the Amadeus paths (/v1/security, /v2, /v3), analytics, the
    // dashboard, health and docs reach the same app, which knows which of them need a key.
    this.api.root.addMethod('ANY', integration);
    this.api.root.addProxy({ defaultIntegration: integration, anyMethod: true });
    addProblemResponses(this.api, { anyOrigin: props.corsOrigins.trim() === '*' });
    if (props.customDomain) {
      // At the root: the Amadeus SDKs take a host name only, never a base path.
      this.domain = new apigateway.DomainName(this, 'Domain', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          'Certificate',
          props.customDomain.certificateArn,
        ),
        endpointType: apigateway.EndpointType.REGIONAL,
        securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
        mapping: this.api,
      });
    }
  }
}
