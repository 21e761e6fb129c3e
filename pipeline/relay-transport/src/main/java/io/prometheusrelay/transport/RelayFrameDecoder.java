package io.prometheusrelay.transport;

import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.protocol.frame.FrameType;
import io.prometheusrelay.protocol.frame.RelayFrame;
import org.jspecify.annotations.Nullable;

/**
 * Turns the byte stream of one connection into {@link RelayFrame}s, with a hard size limit.
 * <p>
 * A frame over the limit is skipped without being buffered and reported as a {@link FrameRejected}
 * carrying its batch id, so the peer gets a NACK and the connection stays usable; so is a frame
 * whose checksum does not match. Versions 1 and 2 are read (see {@link RelayFrame}). An unknown
 * version or frame type, or a version 2 frame that is not a BATCH, means the stream cannot be
 * framed any more: a fatal {@link FrameRejected} is emitted and every later byte is dropped, and the
 * owner of the connection closes it.
 * <p>
 * Once a payload's array is allocated, each socket read is copied straight into it, checksummed as it
 * arrives, where gathering the frame in Netty's cumulation first copied it into a buffer that grew as
 * reads came, and then out of it (a batch spans several reads). The array is allocated at the
 * payload's length as soon as a {@value #ALLOCATION_FACTOR}th of the payload has arrived (at once
 * for payloads of {@value #MIN_ALLOCATION} bytes or less; until then the bytes wait in the
 * cumulation), so a peer that declares a large frame and trickles it holds memory in proportion to
 * what it sent, not to what it declared, and no array is allocated twice.
 */
public final class RelayFrameDecoder extends ByteToMessageDecoder {

	/** Payloads this long or shorter get their array as soon as their header is read. */
	static final int MIN_ALLOCATION = 64 * 1024;

	/** A longer payload gets its array once this fraction of it has arrived. */
	static final int ALLOCATION_FACTOR = 4;

	private final int maxFrameBytes;

	private long bytesToSkip;

	private boolean corrupted;

	private @Nullable FrameInProgress inProgress;

	public RelayFrameDecoder(int maxFrameBytes) {
		if (maxFrameBytes < RelayFrame.HEADER_BYTES + RelayFrame.TRAILER_BYTES) {
			throw new IllegalArgumentException("maxFrameBytes too small to hold a frame: " + maxFrameBytes);
		}
		this.maxFrameBytes = maxFrameBytes;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.corrupted) {
			in.skipBytes(in.readableBytes());
			return;
		}
		if (this.bytesToSkip > 0) {
			int skipped = (int) Math.min(this.bytesToSkip, in.readableBytes());
			in.skipBytes(skipped);
			this.bytesToSkip -= skipped;
			if (this.bytesToSkip > 0) {
				return;
			}
		}
		while (this.inProgress != null || startFrame(in, out)) {
			FrameInProgress frame = this.inProgress;
			if (!frame.fill(in) || in.readableBytes() < RelayFrame.TRAILER_BYTES) {
				return;
			}
			out.add(frame.finish(in.readInt()));
			this.inProgress = null;
		}
	}

	/**
	 * Reads the next frame's header, if all of it has arrived, and starts gathering its payload.
	 * Returns false when there is no frame to gather: too few bytes, an oversize frame being skipped,
	 * or a corrupted stream.
	 */
	private boolean startFrame(ByteBuf in, List<Object> out) {
		if (in.readableBytes() < RelayFrame.HEADER_BYTES) {
			return false;
		}
		int start = in.readerIndex();
		byte version = in.getByte(start);
		if (version != RelayFrame.VERSION && version != RelayFrame.VERSION_WITH_DIGEST) {
			return reportCorruption(in, out, "unsupported relay frame version " + version);
		}
		Optional<FrameType> type = FrameType.fromCode(in.getByte(start + 1));
		if (type.isEmpty()) {
			return reportCorruption(in, out, "unknown relay frame type " + in.getByte(start + 1));
		}
		if (version == RelayFrame.VERSION_WITH_DIGEST && type.get() != FrameType.BATCH) {
			return reportCorruption(in, out, "a relay frame of version 2 carries a BATCH only, not " + type.get());
		}
		long batchId = in.getLong(start + 2);
		long payloadLength = in.getUnsignedInt(start + 10);
		int headerBytes = RelayFrame.HEADER_BYTES + ((version == RelayFrame.VERSION) ? 0 : BatchDigest.BYTES);
		// The limit is on the payload and version 1's framing, so that a digest never pushes a
		// batch the limit was sized for over it.
		long limitedBytes = RelayFrame.HEADER_BYTES + payloadLength + RelayFrame.TRAILER_BYTES;
		if (limitedBytes > this.maxFrameBytes) {
			out.add(FrameRejected.oversize(batchId, limitedBytes, this.maxFrameBytes));
			long frameBytes = headerBytes + payloadLength + RelayFrame.TRAILER_BYTES;
			int skipped = (int) Math.min(frameBytes, in.readableBytes());
			in.skipBytes(skipped);
			this.bytesToSkip = frameBytes - skipped;
			return false;
		}
		int arrived = in.readableBytes() - headerBytes;
		if (arrived < 0 || (payloadLength > MIN_ALLOCATION && arrived < payloadLength / ALLOCATION_FACTOR)) {
			return false;
		}
		BatchDigest digest = (version == RelayFrame.VERSION) ? null
				: new BatchDigest(in.getLong(start + RelayFrame.HEADER_BYTES),
						in.getLong(start + RelayFrame.HEADER_BYTES + Long.BYTES));
		CRC32C checksum = new CRC32C();
		checksum.update(in.nioBuffer(start, headerBytes));
		in.skipBytes(headerBytes);
		this.inProgress = new FrameInProgress(type.get(), batchId, digest, (int) payloadLength, checksum);
		return true;
	}

	private boolean reportCorruption(ByteBuf in, List<Object> out, String reason) {
		this.corrupted = true;
		in.skipBytes(in.readableBytes());
		out.add(FrameRejected.unreadableHeader(reason));
		return false;
	}

	/** Bytes held for the frame being gathered, in its array and in the cumulation: what the bound is about. */
	int bytesHeld() {
		return ((this.inProgress != null) ? this.inProgress.payload.length : 0) + actualReadableBytes();
	}

	/** A frame whose header has been read, gathering its payload as the reads bring it. */
	private static final class FrameInProgress {

		private final FrameType type;

		private final long batchId;

		private final @Nullable BatchDigest digest;

		private final CRC32C checksum;

		private final byte[] payload;

		private int filled;

		FrameInProgress(FrameType type, long batchId, @Nullable BatchDigest digest, int length, CRC32C checksum) {
			this.type = type;
			this.batchId = batchId;
			this.digest = digest;
			this.checksum = checksum;
			this.payload = new byte[length];
		}

		/** Copies what {@code in} holds of the payload; returns true once all of it is here. */
		boolean fill(ByteBuf in) {
			int copied = Math.min(this.payload.length - this.filled, in.readableBytes());
			in.readBytes(this.payload, this.filled, copied);
			this.checksum.update(this.payload, this.filled, copied);
			this.filled += copied;
			return this.filled == this.payload.length;
		}

		Object finish(int expectedChecksum) {
			if ((int) this.checksum.getValue() != expectedChecksum) {
				return FrameRejected.checksumMismatch(this.batchId);
			}
			return new RelayFrame(this.type, this.batchId, this.payload, this.digest);
		}

	}

}
