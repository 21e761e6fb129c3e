package io.prometheusrelay.proxy.scrape;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import io.micrometer.core.instrument.Timer;
import io.prometheusrelay.proxy.exposition.ByteSink;
import io.prometheusrelay.proxy.exposition.MergedExposition;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;

/**
 * A merged exposition as a response body written on demand, a chunk at a time (gzip-compressed
 * when asked): a thousand applications' scrapes are never copied into one giant response, and a slow
 * Prometheus holds back the writing instead of letting output pile up in memory.
 */
final class ExpositionChunks {

	/** Below half a G1 region even on small heaps, so chunks are never humongous objects. */
	static final int CHUNK_SIZE = 128 * 1024;

	private final MergedExposition.Cursor cursor;

	private final ByteSink text = new ByteSink(CHUNK_SIZE + 16 * 1024);

	private final @Nullable Gzip gzip;

	private final Timer writeTime;

	private long writeNanos;

	private boolean finished;

	ExpositionChunks(MergedExposition merged, boolean gzip, Timer writeTime) {
		this.cursor = merged.cursor();
		this.gzip = gzip ? new Gzip() : null;
		this.writeTime = writeTime;
	}

	/** The next chunk of the body in a buffer from {@code buffers}, or null once all of it has been returned. */
	@Nullable DataBuffer next(DataBufferFactory buffers) {
		if (this.finished) {
			return null;
		}
		long start = System.nanoTime();
		try {
			boolean more = true;
			while (more && this.text.size() < CHUNK_SIZE) {
				more = this.cursor.writeNext(this.text);
			}
			this.finished = !more;
			ByteSink out = (this.gzip != null) ? this.gzip.compress(this.text, this.finished) : this.text;
			DataBuffer chunk = buffers.allocateBuffer(out.size());
			chunk.write(out.array(), 0, out.size());
			out.reset();
			return chunk;
		}
		finally {
			this.writeNanos += System.nanoTime() - start;
			if (this.finished) {
				// The time spent writing, not the time the response took to reach Prometheus.
				this.writeTime.record(this.writeNanos, TimeUnit.NANOSECONDS);
			}
		}
	}

	/** Compresses whole chunks of text, one call each: the deflater is never fed a line at a time. */
	private static final class Gzip {

		private final ByteSink compressed = new ByteSink(CHUNK_SIZE / 4);

		private final GZIPOutputStream out;

		Gzip() {
			try {
				this.out = new GZIPOutputStream(new OutputStream() {

					@Override
					public void write(int b) {
						Gzip.this.compressed.write((byte) b);
					}

					@Override
					public void write(byte[] bytes, int offset, int length) {
						Gzip.this.compressed.write(bytes, offset, length);
					}

				}, 32 * 1024);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/** Compresses (and empties) {@code text}; the output is what the deflater has let out so far. */
		ByteSink compress(ByteSink text, boolean last) {
			try {
				this.out.write(text.array(), 0, text.size());
				text.reset();
				if (last) {
					this.out.finish();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return this.compressed;
		}

	}

}
