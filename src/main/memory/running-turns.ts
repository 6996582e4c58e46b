/**
 * The turns whose answer is being asked for right now, so that someone other than the
 * caller can stop one: Flowise's stop button names the flow and chatId, the window names
 * the requestId its composer streams under. Stopping a turn aborts its responder; the
 * turn then stores nothing, as when its caller disconnects.
 */
export interface RunningTurnKeys {
  flowId: string;
  chatId: string;
  requestId?: string;
}

export class RunningTurns {
  private readonly byChat = new Map<string, Set<AbortController>>();
  private readonly byRequest = new Map<string, AbortController>();

  /** Registers a turn; the returned function removes it when the turn is over. */
  start(keys: RunningTurnKeys, controller: AbortController): () => void {
    const chatKey = JSON.stringify([keys.flowId, keys.chatId]);
    let sameChat = this.byChat.get(chatKey);
    if (!sameChat) {
      sameChat = new Set();
      this.byChat.set(chatKey, sameChat);
    }
    sameChat.add(controller);
    if (keys.requestId !== undefined) this.byRequest.set(keys.requestId, controller);
    return () => {
      sameChat.delete(controller);
      if (sameChat.size === 0 && this.byChat.get(chatKey) === sameChat) this.byChat.delete(chatKey);
      if (keys.requestId !== undefined && this.byRequest.get(keys.requestId) === controller) {
        this.byRequest.delete(keys.requestId);
      }
    };
  }

  /** Stops every running turn of a flow's chatId; how many were running. */
  stopChat(flowId: string, chatId: string, reason: unknown): number {
    const sameChat = this.byChat.get(JSON.stringify([flowId, chatId]));
    if (!sameChat) return 0;
    for (const controller of sameChat) controller.abort(reason);
    return sameChat.size;
  }

  /** Stops the turn streaming under a requestId; whether one was running. */
  stopRequest(requestId: string, reason: unknown): boolean {
    const controller = this.byRequest.get(requestId);
    controller?.abort(reason);
    return controller !== undefined;
  }

  /** How many turns are registered (for tests of the cleanup). */
  get size(): number {
    let count = 0;
    for (const sameChat of this.byChat.values()) count += sameChat.size;
    return count;
  }
}
