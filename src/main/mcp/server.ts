/**
 * Mnemo as an MCP server: tools to search, list, read, append to and delete (to the
 * trash) conversations, and each conversation as a resource. The same server is built
 * for the /mcp route (one per request, stateless) and for stdio (src/main/mcp-stdio.ts).
 * Tools only take their checked arguments to the services and shape what comes back,
 * bounded: an answer lands in a model's context.
 */
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Handlers } from '../../shared/contract';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../shared/highlight';
import {
  AppendMessageInput,
  CONVERSATION_CHARS_DEFAULT,
  CONVERSATION_URI_TEMPLATE,
  ConversationResourceKey,
  DeleteConversationInput,
  GetConversationInput,
  ListConversationsInput,
  SearchConversationsInput,
} from '../../shared/schemas/mcp';
import type { SessionList } from '../../shared/schemas/sessions';
import { HttpError } from '../http/errors';
import type { ConversationService } from '../memory/conversations';
import { conversationPage } from './conversation-page';

export interface McpServices {
  handlers: Pick<Handlers, 'listSessions' | 'getSession' | 'deleteSession'>;
  conversations: Pick<ConversationService, 'append'>;
  version: string;
  /** Where an unexpected error is reported (never to the agent, which sees a short message). */
  logError: (error: unknown) => void;
}

/** Matches shown as **bold** markdown instead of the window's private-use marks. */
const marked = (snippet: string) => snippet.replaceAll(HIGHLIGHT_START, '**').replaceAll(HIGHLIGHT_END, '**');

const conversationUri = (flowId: string, sessionId: string) =>
  `mnemo://flows/${encodeURIComponent(flowId)}/sessions/${encodeURIComponent(sessionId)}`;

function listed(page: SessionList) {
  return {
    conversations: page.items.map((s) => ({
      flowId: s.flowId,
      sessionId: s.sessionId,
      title: s.title,
      messageCount: s.messageCount,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      ...(s.snippet === undefined ? { preview: s.preview } : { snippet: marked(s.snippet) }),
      uri: conversationUri(s.flowId, s.sessionId),
    })),
    total: page.total,
    nextCursor: page.nextCursor,
  };
}

/** How many conversations resources/list names. */
const RESOURCES_LISTED = 50;

const json = (value: unknown): CallToolResult => ({
  content: [{ type: 'text', text: JSON.stringify(value, null, 2) }],
});

export function createMcpServer(services: McpServices): McpServer {
  const { handlers, conversations } = services;
  const server = new McpServer(
    { name: 'mnemo', version: services.version },
    {
      instructions:
        'Mnemo keeps conversations (sessions) grouped by flow. Search or list them to find one, then read it with get_conversation (newest messages first fetched, shown oldest to newest; page back with nextCursor). Times are ISO 8601 UTC.',
      // A call's arguments: a message and a few filters, never thousands of elements.
      maxToolInputElements: 1000,
    },
  );

  /** Runs a tool: a service's own error reaches the agent as a tool error; anything else is logged. */
  const run = async (work: () => Promise<CallToolResult>): Promise<CallToolResult> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof HttpError)
        return { content: [{ type: 'text', text: error.message }], isError: true };
      services.logError(error);
      return { content: [{ type: 'text', text: 'internal error in Mnemo; see its log' }], isError: true };
    }
  };

  server.registerTool(
    'search_conversations',
    {
      title: 'Search conversations',
      description:
        "Full-text search over every stored conversation's messages and titles. Returns matching conversations, most recently active first, each with a snippet where the words matched (**bold**), and a nextCursor for more.",
      inputSchema: SearchConversationsInput,
      annotations: { readOnlyHint: true },
    },
    (args) =>
      run(async () =>
        json(
          listed(
            await handlers.listSessions({
              q: args.query,
              flowId: args.flowId,
              startDate: args.startDate,
              endDate: args.endDate,
              sort: 'DESC',
              by: 'updated',
              limit: args.limit,
              cursor: args.cursor,
            }),
          ),
        ),
      ),
  );

  server.registerTool(
    'list_conversations',
    {
      title: 'List conversations',
      description:
        'Conversations with their title, message count, times and a preview of the last message, filtered by flow and date range, sorted as the window sorts them; a nextCursor pages on.',
      inputSchema: ListConversationsInput,
      annotations: { readOnlyHint: true },
    },
    (args) => run(async () => json(listed(await handlers.listSessions(args)))),
  );

  server.registerTool(
    'get_conversation',
    {
      title: 'Read a conversation',
      description:
        "A conversation's most recent messages, oldest to newest (the newest last), at most `limit` messages and `maxChars` characters of text (a longer single message is cut, with its fullLength given). nextCursor gives the messages before these.",
      inputSchema: GetConversationInput,
      annotations: { readOnlyHint: true },
    },
    (args) => run(async () => json(await conversationPage(handlers, args))),
  );

  server.registerTool(
    'append_message',
    {
      title: 'Add a message',
      description:
        'Adds one message (user, assistant or system) to the end of a conversation, creating the conversation if it does not exist. The flow must exist. Open Mnemo windows show it at once.',
      inputSchema: AppendMessageInput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    (args) =>
      run(async () => {
        const message = await conversations.append(args.flowId, args.sessionId, {
          role: args.role,
          content: args.content,
        });
        return json({
          flowId: args.flowId,
          sessionId: args.sessionId,
          messageId: message.id,
          createdAt: new Date(message.createdAt).toISOString(),
          uri: conversationUri(args.flowId, args.sessionId),
        });
      }),
  );

  server.registerTool(
    'delete_conversation',
    {
      title: 'Delete a conversation (to the trash)',
      description:
        "Moves a conversation to Mnemo's trash: it leaves every list and search, and a person can restore it from the window's Trash for 30 days.",
      inputSchema: DeleteConversationInput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
    },
    (args) =>
      run(async () => {
        await handlers.deleteSession({ flowId: args.flowId, sessionId: args.sessionId, hard: false });
        return json({ flowId: args.flowId, sessionId: args.sessionId, trashed: true });
      }),
  );

  server.registerResource(
    'conversation',
    new ResourceTemplate(CONVERSATION_URI_TEMPLATE, {
      // The most recently active conversations; search and list tools reach the rest.
      list: async () => {
        const page = await handlers.listSessions({ sort: 'DESC', by: 'updated', limit: RESOURCES_LISTED });
        return {
          resources: page.items.map((s) => ({
            uri: conversationUri(s.flowId, s.sessionId),
            name: s.title,
            description: `${s.messageCount} messages in ${s.flowName}, last ${s.updatedAt}`,
            mimeType: 'application/json',
          })),
        };
      },
    }),
    {
      title: 'A conversation',
      description: `A conversation's most recent messages (up to 200, ${CONVERSATION_CHARS_DEFAULT} characters), oldest to newest, as JSON`,
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const key = ConversationResourceKey.safeParse({
        flowId: decodeURIComponent(String(variables.flowId)),
        sessionId: decodeURIComponent(String(variables.sessionId)),
      });
      if (!key.success) throw new Error(`not a conversation URI: ${key.error.issues[0]?.message ?? ''}`);
      const page = await conversationPage(handlers, {
        ...key.data,
        limit: 200,
        maxChars: CONVERSATION_CHARS_DEFAULT,
      });
      return {
        contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(page, null, 2) }],
      };
    },
  );

  return server;
}
