// @ts-check
/**
 * Reads a text/event-stream body and calls onMessage({ type, data, id }) for each message. This is
 * the framing EventSource parses (`event:`, `data:`, `id:` fields, a blank line ends a message,
 * lines starting with `:` are comments); EventSource itself cannot send the API key.
 * `id` is the last event id seen so far (ids carry over to later messages, as in EventSource).
 * @param {ReadableStream<Uint8Array>} body
 * @param {(message: { type: string, data: string, id: string | null }) => void} onMessage
 * @returns {Promise<void>} resolves when the stream ends (a message not ended by a blank line is dropped)
 */
export async function readEventStream(body, onMessage) {
  const reader = body.getReader();
  // UTF-8 across chunks: a character split between two chunks is decoded when its end arrives.
  const decoder = new TextDecoder();
  let buffer = '';
  let type = '';
  /** @type {string[]} */
  let data = [];
  /** @type {string | null} */
  let id = null;
  /** @param {string} text */
  const line = (text) => {
    if (text === '') {
      if (data.length > 0) onMessage({ type: type || 'message', data: data.join('\n'), id });
      type = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      // A last \r ends a line, though no \n can follow it any more.
      if (buffer.endsWith('\r')) for (const text of buffer.slice(0, -1).split(/\r\n|\r|\n/)) line(text);
      return;
    }
    buffer += decoder.decode(value, { stream: true });
    // A chunk may end between the \r and \n of one line break: keep a trailing \r for the next.
    const end = buffer.endsWith('\r') ? buffer.length - 1 : buffer.length;
    const lines = buffer.slice(0, end).split(/\r\n|\r|\n/);
    buffer = (lines.pop() ?? '') + buffer.slice(end);
    for (const text of lines) line(text);
  }
}
