import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { PROBLEM_BASE, PROBLEMS } from '../../src/http/problems.js';

/** Seconds over which the rate-based rule counts each address's requests. */
export const WAF_RATE_WINDOW_SECONDS = 300;
/** Seconds a client blocked by the rate-based rule is told to wait (`retry-after`). */
export const WAF_RETRY_AFTER_SECONDS = 60;

export interface WebFirewallProps {
  stage: apigateway.Stage;
  /** Requests one client address may send per WAF_RATE_WINDOW_SECONDS before it is blocked. */
  rateLimitPerWindow: number;
  metricPrefix: string;
}

/** The managed rule groups the web ACL runs, in order, and why each rule overridden to count is. */
export const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesAmazonIpReputationList', countOnly: [] as string[] },
  {
    name: 'AWSManagedRulesCommonRuleSet',
    // The common set blocks bodies over 8 KB; admin bulk fare and availability updates are larger,
    // and the application itself refuses bodies over BODY_LIMIT_BYTES with a 413 problem.
    countOnly: ['SizeRestrictions_BODY'],
  },
] as const;

/**
 * AWS WAF in front of the API stage: Amazon's IP reputation list, the common rule set and a
 * per-address rate rule. The application authenticates every request itself (ADR 21), so this is
 * what keeps floods of unauthenticated requests from ever invoking the function. A rule-group
 * block is answered by the stage's WAF_FILTERED gateway response (403 problem+json); the rate
 * rule answers 429 with `retry-after` itself (WAF cannot send `application/problem+json`: it only
 * sets JSON, HTML or plain-text content types, so that body is the problem as `application/json`).
 */
export class WebFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName: `${props.metricPrefix}-${name}`,
      sampledRequestsEnabled: true,
    });
    const managed: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((group, priority) => ({
      name: group.name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: group.name,
          ruleActionOverrides: group.countOnly.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: visibility(group.name),
    }));
    const rateLimited = PROBLEMS['rate-limited'];
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('web-acl'),
      customResponseBodies: {
        'rate-limited': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: `${PROBLEM_BASE}rate-limited`,
            title: rateLimited.title,
            status: rateLimited.status,
            detail: `More than ${props.rateLimitPerWindow} requests from this address in ${WAF_RATE_WINDOW_SECONDS} seconds.`,
          }),
        },
      },
      rules: [
        ...managed,
        {
          name: 'RatePerAddress',
          priority: managed.length,
          action: {
            block: {
              customResponse: {
                responseCode: rateLimited.status,
                customResponseBodyKey: 'rate-limited',
                responseHeaders: [{ name: 'retry-after', value: String(WAF_RETRY_AFTER_SECONDS) }],
              },
            },
          },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.rateLimitPerWindow,
              evaluationWindowSec: WAF_RATE_WINDOW_SECONDS,
            },
          },
          visibilityConfig: visibility('rate-per-address'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
