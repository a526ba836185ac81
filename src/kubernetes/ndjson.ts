import { StringDecoder } from 'node:string_decoder';

/**
 * Reads newline-delimited JSON from a byte stream, calling `onValue` for each non-empty line in
 * order. A trailing line without a newline is parsed at end of stream. Throws on invalid JSON.
 */
export const readNdjson = async (
  stream: AsyncIterable<Buffer | string>,
  onValue: (value: unknown) => void,
): Promise<void> => {
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  const flush = (final: boolean): void => {
    const lines = buffered.split('\n');
    buffered = final ? '' : (lines.pop() ?? '');
    for (const line of lines) {
      if (line.trim() !== '') onValue(JSON.parse(line));
    }
  };
  for await (const chunk of stream) {
    buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    flush(false);
  }
  buffered += decoder.end();
  flush(true);
};
