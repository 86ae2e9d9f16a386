/** One public list price the cost model uses. */
export interface PriceLine {
  /** What is priced, as the table of docs/analytics.md shows it. */
  item: string;
  /** US dollars per `unit`. */
  usd: number;
  unit: string;
  /** The public page the price is listed on. */
  source: string;
  /** Date the listed price applies from (the last change the model knows of), YYYY-MM-DD. */
  asOf: string;
}

/** The prices the cost model needs, by name; AWS prices are us-east-1 on-demand list prices. */
export interface PriceTable {
  apiGatewayRestRequest: PriceLine;
  lambdaRequest: PriceLine;
  lambdaGbSecond: PriceLine;
  dynamoDbReadUnit: PriceLine;
  dynamoDbWriteUnit: PriceLine;
  elastiCacheNodeHour: PriceLine;
  eventBridgeEvent: PriceLine;
  cloudWatchMetricMonth: PriceLine;
  cloudWatchLogsGb: PriceLine;
  dataTransferOutGb: PriceLine;
  machineHour: PriceLine;
}

/**
 * Public list prices. Per-request prices are kept per single unit (the pages list them per
 * million), so the model multiplies without scaling.
 */
export const PRICES: PriceTable = {
  apiGatewayRestRequest: {
    item: 'API Gateway REST API requests (first 333 million a month)',
    usd: 3.5 / 1e6,
    unit: 'request',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    asOf: '2025-06-01',
  },
  lambdaRequest: {
    item: 'Lambda requests',
    usd: 0.2 / 1e6,
    unit: 'request',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: '2025-06-01',
  },
  lambdaGbSecond: {
    item: 'Lambda duration, arm64 (first 7.5 billion GB-s a month)',
    usd: 0.0000133334,
    unit: 'GB-second',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: '2025-06-01',
  },
  dynamoDbReadUnit: {
    item: 'DynamoDB on-demand read request units',
    usd: 0.125 / 1e6,
    unit: 'read request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: '2024-11-01',
  },
  dynamoDbWriteUnit: {
    item: 'DynamoDB on-demand write request units',
    usd: 0.625 / 1e6,
    unit: 'write request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    asOf: '2024-11-01',
  },
  elastiCacheNodeHour: {
    item: 'ElastiCache for Redis OSS cache.t4g.micro node',
    usd: 0.016,
    unit: 'node-hour',
    source: 'https://aws.amazon.com/elasticache/pricing/',
    asOf: '2025-06-01',
  },
  eventBridgeEvent: {
    item: 'EventBridge custom events published',
    usd: 1 / 1e6,
    unit: 'event',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
    asOf: '2025-06-01',
  },
  cloudWatchMetricMonth: {
    item: 'CloudWatch custom metrics (first 10,000)',
    usd: 0.3,
    unit: 'metric-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    asOf: '2025-06-01',
  },
  cloudWatchLogsGb: {
    item: 'CloudWatch Logs ingestion (standard)',
    usd: 0.5,
    unit: 'GB',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    asOf: '2025-06-01',
  },
  dataTransferOutGb: {
    item: 'Data transfer out to the internet (first 10 TB a month)',
    usd: 0.09,
    unit: 'GB',
    source: 'https://aws.amazon.com/ec2/pricing/on-demand/',
    asOf: '2025-06-01',
  },
  machineHour: {
    item: 'Self-hosted machine (default: EC2 t3.medium on-demand, 2 vCPU 4 GiB; COST_MACHINE_HOUR_USD)',
    usd: 0.0416,
    unit: 'machine-hour',
    source: 'https://aws.amazon.com/ec2/pricing/on-demand/',
    asOf: '2025-06-01',
  },
};
