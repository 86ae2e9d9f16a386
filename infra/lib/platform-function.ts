import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface PlatformFunctionProps {
  /** Folder of the function's bundle (dist-lambda/<name>, from `npm run build:lambda`). */
  code: string;
  description: string;
  memoryMb: number;
  timeout: Duration;
  /** Absent: outside the VPC (a function that only calls AWS APIs the VPC has no endpoint for). */
  vpc?: ec2.IVpc;
  /** Subnets of the function inside `vpc`; default the VPC's isolated ones. */
  subnets?: ec2.SubnetSelection;
  securityGroup?: ec2.ISecurityGroup;
  environment: Record<string, string>;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * The organisation's defaults for every function, set once: Node.js 22 on arm64, active X-Ray
 * tracing, JSON logs into a log group with the stage's retention, the VPC's private subnets when given.
 */
export class PlatformFunction extends Construct {
  readonly function: lambda.Function;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    this.function = new lambda.Function(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(props.code),
      memorySize: props.memoryMb,
      timeout: props.timeout,
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      logGroup,
      ...(props.vpc
        ? {
            vpc: props.vpc,
            vpcSubnets: props.subnets ?? { subnets: props.vpc.isolatedSubnets },
            ...(props.securityGroup ? { securityGroups: [props.securityGroup] } : {}),
          }
        : {}),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        NODE_ENV: 'production',
        ...props.environment,
      },
    });
  }
}
