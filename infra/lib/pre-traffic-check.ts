import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { PlatformFunction } from './platform-function.js';

export interface PreTrafficCheckProps {
  /** Folder of the hook's bundle (dist-lambda/pre-traffic-hook). */
  code: string;
  /** The API version a deployment moves the `live` alias to. */
  version: lambda.IVersion;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * CodeDeploy's BeforeAllowTraffic hook (src/lambda/pre-traffic-hook.ts): invokes the new API version
 * with `GET /health/ready` and fails the deployment unless it answers 200. It runs outside the VPC:
 * it calls only the Lambda and CodeDeploy APIs, for which the NAT-less VPC has no endpoints.
 */
export class PreTrafficCheck extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: PreTrafficCheckProps) {
    super(scope, id);
    this.function = new PlatformFunction(this, 'Hook', {
      code: props.code,
      description: 'travel-platform pre-traffic check: GET /health/ready through the new API version',
      memoryMb: 256,
      // The new version's cold start plus its readiness checks of the table, Redis and the bus.
      timeout: Duration.seconds(60),
      environment: { NEW_VERSION_ARN: props.version.functionArn },
      logRetentionDays: props.logRetentionDays,
      removalPolicy: props.removalPolicy,
    }).function;
    props.version.grantInvoke(this.function);
  }
}
