/**
 * Lambda events in the shapes AWS documents and delivers: an API Gateway REST proxy event
 * (payload 1.0), an SQS batch, an EventBridge delivery, a DynamoDB Streams batch, and a context.
 */
import type {
  APIGatewayProxyEvent,
  AttributeValue,
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';

const region = 'eu-west-1';
const account = '111122223333';
let counter = 0;
const nextId = (): string => `${Date.now().toString(16)}-${(counter++).toString(16).padStart(4, '0')}`;

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '1',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}:live`,
    memoryLimitInMB: '1024',
    awsRequestId: `c6af9ac6-7b61-11e6-9a41-${nextId().slice(-12).padStart(12, '0')}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/26/[1]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => 29_000,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

export interface RestRequest {
  method: 'GET' | 'POST' | 'DELETE' | 'OPTIONS';
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** A string is sent as it is (set its content-type); anything else as JSON. */
  body?: unknown;
  stage?: string;
}

/** What API Gateway (REST API, Lambda proxy integration) hands the function for one request. */
export function restProxyEvent(request: RestRequest): APIGatewayProxyEvent {
  const stage = request.stage ?? 'dev';
  // The stack routes every path through the root proxy resource (ADR 21).
  const resource = request.path === '/' ? '/' : '/{proxy+}';
  const proxy = request.path.slice(1);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Host: `abcdef1234.execute-api.${region}.amazonaws.com`,
    'User-Agent': 'travel-app/2.3 (iOS)',
    'X-Amzn-Trace-Id': 'Root=1-5e1b4151-5ac6c58f3f8a5b2e00000000',
    'X-Forwarded-For': '203.0.113.17',
    'X-Forwarded-Port': '443',
    'X-Forwarded-Proto': 'https',
    ...(request.body === undefined || typeof request.body === 'string'
      ? {}
      : { 'Content-Type': 'application/json' }),
    ...request.headers,
  };
  const query = request.query ?? null;
  return {
    resource,
    path: request.path,
    httpMethod: request.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: query,
    multiValueQueryStringParameters:
      query && Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])),
    pathParameters: { proxy },
    stageVariables: null,
    requestContext: {
      accountId: account,
      apiId: 'abcdef1234',
      authorizer: undefined,
      domainName: headers.Host,
      domainPrefix: 'abcdef1234',
      extendedRequestId: 'ZQ0ZbFpVoAMEVQw=',
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        // The gateway checks no key of its own (ADR 21): the app reads x-api-key from the headers.
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.17',
        user: null,
        userAgent: headers['User-Agent'] ?? null,
        userArn: null,
      },
      path: `/${stage}${request.path}`,
      protocol: 'HTTP/1.1',
      requestId: `e5e8b2a1-${nextId()}`,
      requestTime: '26/Nov/2026:05:00:00 +0000',
      requestTimeEpoch: Date.now(),
      resourceId: 'a1b2c3',
      resourcePath: resource,
      stage,
    },
    body:
      request.body === undefined
        ? null
        : typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body),
    isBase64Encoded: false,
  };
}

/** An EventBridge delivery of one PutEvents entry, as a rule target receives it. */
export function eventBridgeDelivery(entry: { Source?: string; DetailType?: string; Detail?: string }) {
  return {
    version: '0',
    id: `6a7e8feb-b491-4cf7-a9f1-${nextId().slice(-12).padStart(12, '0')}`,
    'detail-type': entry.DetailType ?? '',
    source: entry.Source ?? '',
    account,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [],
    detail: JSON.parse(entry.Detail ?? 'null'),
  };
}

/** An SQS batch whose message bodies are `bodies` (as EventBridge's SQS target writes them). */
export function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map(
      (body): SQSRecord => ({
        messageId: `059f36b4-87a3-44ab-83d2-${nextId().slice(-12).padStart(12, '0')}`,
        receiptHandle: `AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a${nextId()}`,
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'AIDAIENQZJOLO23YVJ4VO',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:${region}:${account}:travel-platform-invalidation`,
        awsRegion: region,
      }),
    ),
  };
}

/** A DynamoDB Streams batch of INSERT records carrying `newImages`, with increasing sequence numbers. */
export function dynamoStreamEvent(
  tableName: string,
  newImages: Record<string, AttributeValue>[],
): DynamoDBStreamEvent {
  const base = 4_421_584_500_000_000_017_450_439_091n + BigInt(counter++) * 1000n;
  return {
    Records: newImages.map(
      (image, i): DynamoDBRecord => ({
        eventID: `c81e728d9d4c2f636f067f89cc14862${i}`,
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: region,
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
          Keys: { searchType: image.searchType!, searchId: image.searchId! },
          NewImage: image,
          SequenceNumber: String(base + BigInt(i)),
          SizeBytes: JSON.stringify(image).length,
          StreamViewType: 'NEW_AND_OLD_IMAGES',
        },
        eventSourceARN: `arn:aws:dynamodb:${region}:${account}:table/${tableName}/stream/2026-11-26T00:00:00.000`,
      }),
    ),
  };
}
