package io.prometheusrelay.proxy.scrape;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import io.micrometer.core.instrument.Timer;
import io.prometheusrelay.proxy.exposition.MergedExposition;
import org.jspecify.annotations.Nullable;

/**
 * A merged exposition as a response body written on demand, a chunk at a time (gzip-compressed
 * when asked): a thousand applications' scrapes are never copied into one giant response, and a slow
 * Prometheus holds back the writing instead of letting output pile up in memory.
 */
final class ExpositionChunks {

	/** Below half a G1 region even on small heaps, so chunks are never humongous objects. */
	static final int CHUNK_SIZE = 128 * 1024;

	private final MergedExposition.Cursor cursor;

	private final Chunk chunk = new Chunk();

	private final Writer writer;

	private final Timer writeTime;

	private long writeNanos;

	private boolean finished;

	ExpositionChunks(MergedExposition merged, boolean gzip, Timer writeTime) {
		this.cursor = merged.cursor();
		this.writeTime = writeTime;
		try {
			OutputStream out = gzip ? new GZIPOutputStream(this.chunk, 16 * 1024) : this.chunk;
			this.writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The next chunk of the body, or null once all of it has been returned. */
	byte @Nullable [] next() {
		if (this.finished) {
			return null;
		}
		long start = System.nanoTime();
		try {
			boolean more = true;
			while (more && this.chunk.size() < CHUNK_SIZE) {
				more = this.cursor.writeNext(this.writer);
				if (more) {
					// Moves what the writer's encoder holds into the chunk, so its size is what was written.
					this.writer.flush();
				}
			}
			if (!more) {
				// Ends the gzip stream (its trailer) too.
				this.writer.close();
				this.finished = true;
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		finally {
			this.writeNanos += System.nanoTime() - start;
			if (this.finished) {
				// The time spent writing, not the time the response took to reach Prometheus.
				this.writeTime.record(this.writeNanos, TimeUnit.NANOSECONDS);
			}
		}
		return this.chunk.take();
	}

	/** Collects output until taken; each take hands over a new array, as the previous one is in flight. */
	private static final class Chunk extends ByteArrayOutputStream {

		Chunk() {
			super(CHUNK_SIZE + 16 * 1024);
		}

		byte[] take() {
			byte[] bytes = Arrays.copyOf(this.buf, this.count);
			reset();
			return bytes;
		}

	}

}
