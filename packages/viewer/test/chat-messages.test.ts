import { describe, expect, it } from 'vitest';
import { contentText, conversationOf, turnText } from '../src/ui/chat-messages.js';

describe('conversationOf', () => {
  it('reads OpenAI chat messages from inputs and the reply from outputs.choices', () => {
    const c = conversationOf(
      {
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
      },
      { choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, finish_reason: 'stop' }] },
    );
    expect(c).toEqual({
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      output: [{ role: 'assistant', content: 'Hello!' }],
      tools: [],
    });
  });

  it('keeps tool calls with their arguments, tool results with their call id, and the offered tools', () => {
    const call = {
      id: 'call_1',
      type: 'function',
      function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
    };
    const c = conversationOf(
      {
        messages: [
          { role: 'user', content: 'Weather in Oslo?' },
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: 'call_1', content: '{"temp":3}' },
        ],
        tools: [{ type: 'function', function: { name: 'get_weather' } }],
      },
      { choices: [{ message: { role: 'assistant', content: 'It is 3 °C.' } }] },
    )!;
    expect(c.input[1]).toEqual({
      role: 'assistant',
      content: null,
      toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Oslo"}' }],
    });
    expect(c.input[2]).toEqual({ role: 'tool', content: '{"temp":3}', toolCallId: 'call_1' });
    expect(c.tools).toEqual(['get_weather']);
  });

  it('reads the Responses API: instructions, input and output items with function calls', () => {
    const c = conversationOf(
      { model: 'gpt-4.1', instructions: 'Be kind.', input: 'Hi' },
      {
        output: [
          { type: 'function_call', call_id: 'fc_1', name: 'lookup', arguments: '{}' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done' }] },
        ],
      },
    )!;
    expect(c.input).toEqual([
      { role: 'system', content: 'Be kind.' },
      { role: 'user', content: 'Hi' },
    ]);
    expect(c.output).toEqual([
      { role: 'assistant', content: null, toolCalls: [{ id: 'fc_1', name: 'lookup', arguments: '{}' }] },
      { role: 'assistant', content: 'Done' },
    ]);
  });

  it('returns null for spans without chat messages', () => {
    expect(conversationOf({ query: 'x', k: 3 }, [{ page_content: 'doc' }])).toBeNull();
    expect(conversationOf(undefined, undefined)).toBeNull();
  });
});

describe('contentText', () => {
  it('joins text parts and names non-text parts', () => {
    expect(
      contentText([
        { type: 'text', text: 'Look:' },
        { type: 'image_url', image_url: { url: 'data:...' } },
      ]),
    ).toBe('Look:\n[image]');
    expect(contentText(null)).toBeNull();
  });
});

describe('turnText', () => {
  it("takes the last user message of a request and the assistant's reply of a response", () => {
    expect(
      turnText(
        {
          messages: [
            { role: 'system', content: 's' },
            { role: 'user', content: 'first' },
            { role: 'user', content: 'second' },
          ],
        },
        'request',
      ),
    ).toBe('second');
    expect(turnText({ choices: [{ message: { role: 'assistant', content: 'answer' } }] }, 'response')).toBe(
      'answer',
    );
    expect(turnText({ messages: [{ role: 'assistant', content: 'done' }] }, 'response')).toBe('done');
  });

  it('uses a string as is, a lone text field, or JSON as the last resort', () => {
    expect(turnText('plain', 'response')).toBe('plain');
    expect(turnText({ user_id: 'u1', message: 'What is MLflow?' }, 'request')).toBe('What is MLflow?');
    expect(turnText({ a: 1 }, 'request')).toBe('{"a":1}');
  });
});
