package io.prometheusrelay.proxy.exposition;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Whether an application's scrape is UTF-8, as the text format requires: Prometheus rejects a
 * whole scrape for one invalid byte, so one application's must not reach the merge. The JDK's own
 * decoder does the work, into a small buffer that is thrown away, so nothing the size of the scrape
 * is allocated; it runs on the scrape's own (parallel) thread, one decoder per thread.
 */
final class Utf8Validation {

	private static final ThreadLocal<CharsetDecoder> DECODERS = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8
		.newDecoder()
		.onMalformedInput(CodingErrorAction.REPORT)
		.onUnmappableCharacter(CodingErrorAction.REPORT));

	private static final ThreadLocal<CharBuffer> SCRATCH = ThreadLocal.withInitial(() -> CharBuffer.allocate(8192));

	private Utf8Validation() {
	}

	/** The offset of the first byte of {@code text[0, length)} that is not valid UTF-8, or -1 for none. */
	static int firstInvalid(byte[] text, int length) {
		CharsetDecoder decoder = DECODERS.get().reset();
		CharBuffer scratch = SCRATCH.get();
		ByteBuffer in = ByteBuffer.wrap(text, 0, length);
		while (true) {
			scratch.clear();
			CoderResult result = decoder.decode(in, scratch, true);
			if (result.isError()) {
				return in.position();
			}
			if (result.isUnderflow()) {
				scratch.clear();
				return decoder.flush(scratch).isError() ? in.position() : -1;
			}
		}
	}

}
