import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface CacheProps {
  vpc: ec2.IVpc;
  /** Who may connect (the functions). */
  clients: ec2.SecurityGroup;
  key: kms.IKey;
  nodeType: string;
  /** Primary plus replicas, spread over the AZs; at least 2 for failover. */
  nodes: number;
  snapshotRetentionDays: number;
  removalPolicy: RemovalPolicy;
}

/** Not the default 6379, so scanners of the default port find nothing (TLS and AUTH guard it anyway). */
const REDIS_PORT = 6380;

/**
 * ElastiCache Redis as a replication group: Multi-AZ with automatic failover, TLS in transit, AUTH
 * with a token generated into Secrets Manager (CloudFormation resolves it; it never appears in the
 * template), encryption at rest with the stack's key, in the VPC's private subnets.
 */
export class Cache extends Construct {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly authToken: secretsmanager.Secret;
  /** rediss:// URL of the primary endpoint, without the token (the functions add it from the secret). */
  readonly url: string;
  /** Cache cluster ids of the nodes (ElastiCache names them <group id>-001, -002, …), for their metrics. */
  readonly nodeIds: string[];

  constructor(scope: Construct, id: string, props: CacheProps) {
    super(scope, id);
    this.authToken = new secretsmanager.Secret(this, 'AuthToken', {
      description: 'AUTH token of the travel-platform Redis replication group',
      encryptionKey: props.key,
      // ElastiCache accepts 16–128 printable characters without @, " or /; letters and digits are safe.
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: props.removalPolicy,
    });
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'travel-platform Redis',
      allowAllOutbound: false,
    });
    securityGroup.addIngressRule(props.clients, ec2.Port.tcp(REDIS_PORT), 'Redis from the functions');
    props.clients.addEgressRule(securityGroup, ec2.Port.tcp(REDIS_PORT), 'Redis');
    const subnets = new elasticache.CfnSubnetGroup(this, 'Subnets', {
      description: 'travel-platform Redis private subnets',
      subnetIds: props.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    this.replicationGroup = new elasticache.CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'travel-platform search cache (L2)',
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: props.nodeType,
      numCacheClusters: props.nodes,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      kmsKeyId: props.key.keyId,
      authToken: this.authToken.secretValue.unsafeUnwrap(),
      port: REDIS_PORT,
      cacheSubnetGroupName: subnets.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      snapshotRetentionLimit: props.snapshotRetentionDays,
      autoMinorVersionUpgrade: true,
    });
    this.replicationGroup.applyRemovalPolicy(
      props.removalPolicy === RemovalPolicy.RETAIN ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
    );
    this.nodeIds = Array.from(
      { length: props.nodes },
      (_, index) => `${this.replicationGroup.ref}-${String(index + 1).padStart(3, '0')}`,
    );
    this.url = `rediss://${this.replicationGroup.attrPrimaryEndPointAddress}:${this.replicationGroup.attrPrimaryEndPointPort}`;
  }
}
