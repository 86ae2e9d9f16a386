import type { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addUsagePlans } from './usage-plans.js';

/** Stage-wide method throttling of the REST API (requests per second, burst). */
export const API_THROTTLING = { rateLimit: 10_000, burstLimit: 5_000 } as const;

export interface RestApiProps {
  stageName: string;
  environmentSuffix: string;
  /** The API function's live alias: traffic shifting happens behind it. */
  handler: lambda.IFunction;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * The regional REST API: every path proxied to the API function, `/v1/*` behind API keys and the
 * usage plans; health, documentation and the JWKS stay open. No resource policy: the API is public
 * by design and each request is authenticated by key and, for bookings, bearer token.
 */
export class PlatformRestApi extends Construct {
  readonly api: apigateway.RestApi;
  readonly usagePlans: apigateway.UsagePlan[];

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
      apiKeySourceType: apigateway.ApiKeySourceType.HEADER,
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
    // Open: /health/*, /docs, /openapi.json, /.well-known/jwks.json.
    this.api.root.addMethod('ANY', integration);
    this.api.root.addProxy({ defaultIntegration: integration, anyMethod: true });
    // Keyed: everything under /v1.
    const v1 = this.api.root.addResource('v1');
    v1.addProxy({
      defaultIntegration: integration,
      anyMethod: true,
      defaultMethodOptions: { apiKeyRequired: true },
    });
    this.usagePlans = addUsagePlans(this.api, this.api.deploymentStage);
  }
}
