/**
 * The CDK app: `npx cdk deploy -c stage=prod` (or `npm run synth`). Region and account come from
 * the environment (CDK_DEFAULT_REGION / CDK_DEFAULT_ACCOUNT, set by the CDK CLI from the AWS
 * profile); the function bundles are built first with `npm run build:lambda`.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { stackPropsFromContext } from '../lib/context.js';
import { TapStack } from '../lib/tap-stack.js';

const app = new App();
const props = stackPropsFromContext((key) => app.node.tryGetContext(key), process.env);
new TapStack(app, `TapStack${props.environmentSuffix}`, props);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
