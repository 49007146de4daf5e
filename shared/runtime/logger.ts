/**
 * The one logger every function uses. Personal data never reaches it whole: log ids, not people;
 * free text goes through `maskText` first.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'fangfan' });
