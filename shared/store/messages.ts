/** The port of the message outbox (待发消息): what the sender and the console need of it. */
import type { Message } from '#notify/messages';

/** a message the sweep may hand on: its id, the round it waits in, its township */
export interface WaitingMessage {
  messageId: string;
  round: number;
  township: string;
}

export interface MessageStore {
  get(messageId: string): Promise<Message | undefined>;
  /**
   * PENDING of this round → SENDING; undefined when another sender has it or it is done. The claim
   * holds until the message's waiting time, set when it was handed over, has passed.
   */
  claim(messageId: string, round: number): Promise<Message | undefined>;
  /** a channel delivered it (kept, so a retry sends only through the others) */
  markDelivered(message: Message, channel: string): Promise<void>;
  /** SENDING of this round → SENT, with the channels that delivered it */
  markSent(message: Message, at: string, delivered: string[]): Promise<void>;
  /** SENDING of this round → RETRY from `nextAttemptAt`, or DEAD when `nextAttemptAt` is undefined */
  markFailed(
    message: Message,
    failure: { attempts: number; error: string; at: string; nextAttemptAt?: string },
  ): Promise<void>;
  /** messages waiting for `at`: RETRY due, SENDING whose lease ended, PENDING the stream did not hand on */
  due(at: string, limit: number): Promise<WaitingMessage[]>;
  /** hands a waiting message to the sender again (a new round), conditional on the round read */
  redrive(message: WaitingMessage, at: string): Promise<boolean>;
  /** DEAD → PENDING with fresh attempts, by a person (audited); `ConflictError` when it moved on */
  resend(message: Message, by: string, at: string): Promise<void>;
  /** a township's undelivered messages: DEAD, and those waiting for a retry */
  listUndelivered(township: string): Promise<Message[]>;
}
