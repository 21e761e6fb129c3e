package io.prometheusrelay.proxy.exposition;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An append-only byte buffer. Unlike {@code ByteArrayOutputStream} it takes no lock per write:
 * merging a thousand applications' scrapes is millions of small writes.
 */
public final class ByteSink {

	private byte[] bytes;

	private int size;

	public ByteSink(int initialCapacity) {
		this.bytes = new byte[initialCapacity];
	}

	public void write(byte[] source, int offset, int length) {
		ensure(length);
		System.arraycopy(source, offset, this.bytes, this.size, length);
		this.size += length;
	}

	public void write(byte[] source) {
		write(source, 0, source.length);
	}

	public void write(byte b) {
		ensure(1);
		this.bytes[this.size++] = b;
	}

	/** Writes {@code text} as UTF-8; for the few strings the merge writes (HELP and TYPE lines). */
	public void write(String text) {
		write(text.getBytes(StandardCharsets.UTF_8));
	}

	public int size() {
		return this.size;
	}

	/** The bytes written so far, then empties the sink. */
	public byte[] take() {
		byte[] taken = Arrays.copyOf(this.bytes, this.size);
		this.size = 0;
		return taken;
	}

	/** The backing array: valid up to {@link #size()}, until the next write. */
	public byte[] array() {
		return this.bytes;
	}

	public void reset() {
		this.size = 0;
	}

	private void ensure(int more) {
		if (this.size + more > this.bytes.length) {
			this.bytes = Arrays.copyOf(this.bytes, Math.max(this.bytes.length * 2, this.size + more));
		}
	}

}
