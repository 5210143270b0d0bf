import { App } from 'aws-cdk-lib';
import { addServiceDesk } from '../lib/service-desk-app';

/** The CDK app behind `npx cdk synth` and `npx cdk deploy`: one environment-agnostic stack. */
addServiceDesk(new App());
