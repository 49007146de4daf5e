/**
 * The deployment's notification channels (`fangfan:notifyChannels`), checked at synth: at least one
 * personal channel for links, nothing the partition lacks (SNS has no SMS in the China regions), and
 * for each channel its settings and its secret, which the administrator fills in after deploying.
 * Only the outbox's sender is given them.
 */
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CHANNEL_NAMES, PERSONAL_CHANNELS } from '#notify/notifier';
import type { DeploymentSetting } from '../manifest.ts';
import type { Partition } from './staff-sign-in.ts';

export interface NotifyChannels {
  channels: string[];
  /** the sender's variables for its channels */
  environment: Record<string, string>;
  /** what the sender may call: the channels' secrets, SNS for SMS */
  grant(f: IFunction): void;
}

export function notifyChannels(
  scope: Construct,
  partition: Partition,
  setting: (name: DeploymentSetting) => string | undefined,
): NotifyChannels {
  const channels = JSON.parse(setting('NOTIFY_CHANNELS') ?? '[]') as string[];
  if (channels.length === 0 || channels.some((c) => !(CHANNEL_NAMES as readonly string[]).includes(c)))
    throw new Error(
      `fangfan:notifyChannels must name the channels people are told through: ${CHANNEL_NAMES.map((c) => `"${c}"`).join(', ')}`,
    );
  if (!channels.some((c) => PERSONAL_CHANNELS.includes(c)))
    throw new Error(
      'fangfan:notifyChannels has no personal channel for approval links: add "sms" (SNS), "tencent-sms" (Tencent Cloud SMS) or "wecom-app" (WeCom application messages); a "wecom" group robot never carries a personal link',
    );
  if (partition === 'aws-cn' && channels.includes('sms'))
    throw new Error(
      'SNS offers no SMS in the China regions: with partition aws-cn use "tencent-sms" or "wecom-app" in fangfan:notifyChannels',
    );
  const environment: Record<string, string> = { NOTIFY_CHANNELS: JSON.stringify(channels) };
  const secrets: Secret[] = [];
  /** a channel's account: generated with its one secret field, the rest filled in after deploying */
  const channelSecret = (
    id: string,
    variable: string,
    props: { description: string; template: Record<string, unknown>; generated: string },
  ) => {
    const secret = new Secret(scope, id, {
      description: props.description,
      generateSecretString: {
        secretStringTemplate: JSON.stringify(props.template),
        generateStringKey: props.generated,
        excludePunctuation: true,
      },
    });
    secrets.push(secret);
    environment[variable] = secret.secretArn;
  };
  if (channels.includes('wecom')) {
    const url = setting('WECOM_WEBHOOK_URL');
    if (!url)
      throw new Error('fangfan:notifyChannels names "wecom": set fangfan:wecomWebhookUrl to the robot’s URL');
    environment.WECOM_WEBHOOK_URL = url;
  }
  if (channels.includes('wecom-app')) {
    // the corp id, agent id and secret of the WeCom application; the corp's administrator fills them in
    channelSecret('WeComAppSecret', 'WECOM_APP_SECRET_ARN', {
      description: 'WeCom application for personal messages: {"corpId", "agentId", "secret"} (fill in)',
      template: { corpId: '', agentId: '' },
      generated: 'secret',
    });
    const api = setting('WECOM_API_BASE');
    if (api) environment.WECOM_API_BASE = api;
  }
  if (channels.includes('tencent-sms')) {
    // the account, the approved signature and each message kind's approved template id (README)
    channelSecret('SmsProviderSecret', 'SMS_PROVIDER_SECRET_ARN', {
      description:
        'Tencent Cloud SMS: {"secretId", "secretKey", "sdkAppId", "signName", "region", "templates": {kind: templateId}} (fill in)',
      template: { secretId: '', sdkAppId: '', signName: '', region: 'ap-guangzhou', templates: {} },
      generated: 'secretKey',
    });
    const endpoint = setting('TENCENT_SMS_ENDPOINT');
    if (endpoint) environment.TENCENT_SMS_ENDPOINT = endpoint;
  }
  return {
    channels,
    environment,
    grant(f) {
      for (const secret of secrets) secret.grantRead(f);
      // SMS to a phone number has no resource to name: SNS authorizes it on "*"
      if (channels.includes('sms'))
        f.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    },
  };
}
