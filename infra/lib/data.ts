import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { TABLE_DESIGN } from './table-design.js';

/** Provisioned capacity with autoscaling, for steady high traffic where it is cheaper than on-demand. */
export interface ProvisionedCapacity {
  minRead: number;
  maxRead: number;
  minWrite: number;
  maxWrite: number;
  /** Target utilisation of the autoscaling, percent; default 70. */
  targetUtilizationPercent?: number;
}

export interface DataProps {
  environmentSuffix: string;
  removalPolicy: RemovalPolicy;
  /** Absent: on-demand (PAY_PER_REQUEST), the default. */
  provisioned?: ProvisionedCapacity;
}

/** The customer-managed key and the store's single table. */
export class Data extends Construct {
  readonly key: kms.Key;
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `travel-platform data key (${props.environmentSuffix})`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: props.removalPolicy,
    });
    const provisioned = props.provisioned;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: `TravelData${props.environmentSuffix}`,
      partitionKey: { name: TABLE_DESIGN.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_DESIGN.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: provisioned ? dynamodb.BillingMode.PROVISIONED : dynamodb.BillingMode.PAY_PER_REQUEST,
      ...(provisioned ? { readCapacity: provisioned.minRead, writeCapacity: provisioned.minWrite } : {}),
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TABLE_DESIGN.ttlAttribute,
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
    const indexes = [
      { ...TABLE_DESIGN.timestampIndex, sortType: dynamodb.AttributeType.NUMBER },
      { ...TABLE_DESIGN.lookupIndex, sortType: dynamodb.AttributeType.STRING },
    ];
    for (const index of indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: index.sortType },
        projectionType: dynamodb.ProjectionType.ALL,
        ...(provisioned ? { readCapacity: provisioned.minRead, writeCapacity: provisioned.minWrite } : {}),
      });
    }
    if (provisioned) {
      const target = provisioned.targetUtilizationPercent ?? 70;
      const read = { minCapacity: provisioned.minRead, maxCapacity: provisioned.maxRead };
      const write = { minCapacity: provisioned.minWrite, maxCapacity: provisioned.maxWrite };
      this.table.autoScaleReadCapacity(read).scaleOnUtilization({ targetUtilizationPercent: target });
      this.table.autoScaleWriteCapacity(write).scaleOnUtilization({ targetUtilizationPercent: target });
      for (const index of indexes) {
        this.table
          .autoScaleGlobalSecondaryIndexReadCapacity(index.name, read)
          .scaleOnUtilization({ targetUtilizationPercent: target });
        this.table
          .autoScaleGlobalSecondaryIndexWriteCapacity(index.name, write)
          .scaleOnUtilization({ targetUtilizationPercent: target });
      }
    }
  }
}
