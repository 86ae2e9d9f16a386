import type { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  maxAzs: number;
  /**
   * NAT gateways (default 0). With any, the VPC gains public subnets holding them and private subnets
   * with egress where the functions run (Redis stays in the isolated ones): for settings that call the
   * internet (identity-and-egress.ts).
   */
  natGateways?: number;
  logRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/**
 * A VPC without NAT: functions and Redis sit in isolated private subnets and reach AWS services
 * through endpoints only — a gateway endpoint for DynamoDB, interface endpoints for the two APIs the
 * functions call themselves (Secrets Manager at cold start, EventBridge PutEvents). Logs, X-Ray
 * segments, SQS polling and stream reads go through the Lambda service, not the VPC.
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly functionsSecurityGroup: ec2.SecurityGroup;
  /** Where the functions run: the isolated subnets, or the subnets with egress when there is NAT. */
  readonly functionSubnets: ec2.SubnetSelection;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    const natGateways = props.natGateways ?? 0;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: props.maxAzs,
      natGateways,
      subnetConfiguration: [
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 },
        ...(natGateways > 0
          ? [
              { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26, mapPublicIpOnLaunch: false },
              { name: 'egress', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
            ]
          : []),
      ],
      gatewayEndpoints: { DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB } },
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });
    this.functionsSecurityGroup = new ec2.SecurityGroup(this, 'Functions', {
      vpc: this.vpc,
      description: 'travel-platform Lambda functions',
      allowAllOutbound: false,
    });
    const endpoints = new ec2.SecurityGroup(this, 'Endpoints', {
      vpc: this.vpc,
      description: 'Interface endpoints reached by the functions',
      allowAllOutbound: false,
    });
    endpoints.addIngressRule(this.functionsSecurityGroup, ec2.Port.tcp(443), 'HTTPS from the functions');
    this.functionSubnets =
      natGateways > 0
        ? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }
        : { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    // Without NAT (the default) no internet gateway route exists, so 443 leaves only for the DynamoDB
    // gateway endpoint (its addresses come from an AWS prefix list) and the interface endpoints inside
    // the VPC; with NAT it also reaches the identity provider and suppliers the settings name.
    this.functionsSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to the VPC endpoints',
    );
    for (const [name, service] of [
      ['SecretsManager', ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER],
      ['EventBridge', ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE],
    ] as const) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        privateDnsEnabled: true,
        securityGroups: [endpoints],
        open: false,
      });
    }
  }
}
