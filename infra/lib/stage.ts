import { RemovalPolicy } from 'aws-cdk-lib';

/** The stages a TapStack is deployed as. */
export type Stage = 'dev' | 'staging' | 'prod';
export const STAGES: readonly Stage[] = ['dev', 'staging', 'prod'];

export function isStage(value: string): value is Stage {
  return (STAGES as readonly string[]).includes(value);
}

/** What differs between stages; everything else is the same stack. */
export interface StageSettings {
  /** Data (table, key, secrets, logs) is kept when the stack is deleted in prod only. */
  dataRemoval: RemovalPolicy;
  /** Log retention of functions, API access logs and flow logs, days. */
  logRetentionDays: number;
  /** ElastiCache node type and node count (primary + replicas, across AZs). */
  cacheNodeType: string;
  cacheNodes: number;
  /** Daily snapshots kept of the Redis replication group. */
  cacheSnapshotDays: number;
  /** Availability zones of the VPC (Redis Multi-AZ needs two). */
  maxAzs: number;
  /** Memory of the API function, MB. */
  apiMemoryMb: number;
  /** How CodeDeploy moves traffic to a new API version. */
  trafficShifting: 'all-at-once' | 'linear' | 'canary';
}

export const STAGE_SETTINGS: Readonly<Record<Stage, StageSettings>> = {
  dev: {
    dataRemoval: RemovalPolicy.DESTROY,
    logRetentionDays: 7,
    cacheNodeType: 'cache.t4g.micro',
    cacheNodes: 2,
    cacheSnapshotDays: 0,
    maxAzs: 2,
    apiMemoryMb: 1024,
    trafficShifting: 'all-at-once',
  },
  staging: {
    dataRemoval: RemovalPolicy.DESTROY,
    logRetentionDays: 30,
    cacheNodeType: 'cache.t4g.small',
    cacheNodes: 2,
    cacheSnapshotDays: 1,
    maxAzs: 2,
    apiMemoryMb: 1024,
    trafficShifting: 'linear',
  },
  prod: {
    dataRemoval: RemovalPolicy.RETAIN,
    logRetentionDays: 365,
    cacheNodeType: 'cache.m7g.large',
    cacheNodes: 3,
    cacheSnapshotDays: 7,
    maxAzs: 3,
    apiMemoryMb: 1769,
    trafficShifting: 'canary',
  },
};
