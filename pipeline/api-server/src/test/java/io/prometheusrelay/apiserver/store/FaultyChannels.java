package io.prometheusrelay.apiserver.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** Segment channels on real files whose writes or fsyncs fail on demand, as a failing disk's do. */
final class FaultyChannels implements SegmentChannels {

	final AtomicBoolean failWrites = new AtomicBoolean();

	final AtomicBoolean failFsyncs = new AtomicBoolean();

	/** Channels created and not yet closed. */
	final AtomicInteger open = new AtomicInteger();

	@Override
	public FileChannel create(Path path) throws IOException {
		FileChannel channel = new Faulty(SegmentChannels.FILES.create(path));
		this.open.incrementAndGet();
		return channel;
	}

	private final class Faulty extends FileChannel {

		private final FileChannel file;

		Faulty(FileChannel file) {
			this.file = file;
		}

		private void maybeFailWrite() throws IOException {
			if (FaultyChannels.this.failWrites.get()) {
				throw new IOException("No space left on device (injected)");
			}
		}

		@Override
		public int write(ByteBuffer src) throws IOException {
			maybeFailWrite();
			return this.file.write(src);
		}

		@Override
		public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
			if (FaultyChannels.this.failWrites.get() && length > 1) {
				// A failing disk takes part of a write before it fails: the first buffers reach the file.
				this.file.write(srcs, offset, 1);
			}
			maybeFailWrite();
			return this.file.write(srcs, offset, length);
		}

		@Override
		public void force(boolean metaData) throws IOException {
			if (FaultyChannels.this.failFsyncs.get()) {
				throw new IOException("Input/output error (injected fsync failure)");
			}
			this.file.force(metaData);
		}

		@Override
		public int read(ByteBuffer dst) throws IOException {
			return this.file.read(dst);
		}

		@Override
		public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
			return this.file.read(dsts, offset, length);
		}

		@Override
		public long position() throws IOException {
			return this.file.position();
		}

		@Override
		public FileChannel position(long newPosition) throws IOException {
			this.file.position(newPosition);
			return this;
		}

		@Override
		public long size() throws IOException {
			return this.file.size();
		}

		@Override
		public FileChannel truncate(long size) throws IOException {
			this.file.truncate(size);
			return this;
		}

		@Override
		public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
			return this.file.transferTo(position, count, target);
		}

		@Override
		public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
			return this.file.transferFrom(src, position, count);
		}

		@Override
		public int read(ByteBuffer dst, long position) throws IOException {
			return this.file.read(dst, position);
		}

		@Override
		public int write(ByteBuffer src, long position) throws IOException {
			maybeFailWrite();
			return this.file.write(src, position);
		}

		@Override
		public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
			return this.file.map(mode, position, size);
		}

		@Override
		public FileLock lock(long position, long size, boolean shared) throws IOException {
			return this.file.lock(position, size, shared);
		}

		@Override
		public FileLock tryLock(long position, long size, boolean shared) throws IOException {
			return this.file.tryLock(position, size, shared);
		}

		@Override
		protected void implCloseChannel() throws IOException {
			FaultyChannels.this.open.decrementAndGet();
			this.file.close();
		}

	}

}
