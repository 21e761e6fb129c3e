package io.prometheusrelay.transport;

import java.util.List;
import java.util.Optional;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.protocol.frame.FrameType;
import io.prometheusrelay.protocol.frame.RelayFrame;

/**
 * Turns the byte stream of one connection into {@link RelayFrame}s, with a hard size limit.
 * <p>
 * A frame over the limit is skipped without being buffered and reported as a {@link FrameRejected}
 * carrying its batch id, so the peer gets a NACK and the connection stays usable; so is a frame
 * whose checksum does not match. Versions 1 and 2 are read (see {@link RelayFrame}). An unknown
 * version or frame type, or a version 2 frame that is not a BATCH, means the stream cannot be
 * framed any more: a fatal {@link FrameRejected} is emitted and every later byte is dropped, and the
 * owner of the connection closes it.
 */
public final class RelayFrameDecoder extends ByteToMessageDecoder {

	private final int maxFrameBytes;

	private long bytesToSkip;

	private boolean corrupted;

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
		while (in.readableBytes() >= RelayFrame.HEADER_BYTES) {
			int start = in.readerIndex();
			byte version = in.getByte(start);
			if (version != RelayFrame.VERSION && version != RelayFrame.VERSION_WITH_DIGEST) {
				reportCorruption(in, out, "unsupported relay frame version " + version);
				return;
			}
			Optional<FrameType> type = FrameType.fromCode(in.getByte(start + 1));
			if (type.isEmpty()) {
				reportCorruption(in, out, "unknown relay frame type " + in.getByte(start + 1));
				return;
			}
			if (version == RelayFrame.VERSION_WITH_DIGEST && type.get() != FrameType.BATCH) {
				reportCorruption(in, out, "a relay frame of version 2 carries a BATCH only, not " + type.get());
				return;
			}
			long batchId = in.getLong(start + 2);
			long payloadLength = in.getUnsignedInt(start + 10);
			int headerBytes = RelayFrame.HEADER_BYTES + ((version == RelayFrame.VERSION) ? 0 : BatchDigest.BYTES);
			long frameBytes = headerBytes + payloadLength + RelayFrame.TRAILER_BYTES;
			// The limit is on the payload and version 1's framing, so that a digest never pushes a
			// batch the limit was sized for over it.
			long limitedBytes = RelayFrame.HEADER_BYTES + payloadLength + RelayFrame.TRAILER_BYTES;
			if (limitedBytes > this.maxFrameBytes) {
				out.add(FrameRejected.oversize(batchId, limitedBytes, this.maxFrameBytes));
				int skipped = (int) Math.min(frameBytes, in.readableBytes());
				in.skipBytes(skipped);
				this.bytesToSkip = frameBytes - skipped;
				return;
			}
			if (in.readableBytes() < frameBytes) {
				return;
			}
			int checkedLength = headerBytes + (int) payloadLength;
			int expected = in.getInt(start + checkedLength);
			if (RelayFrameCodec.checksum(in, start, checkedLength) != expected) {
				out.add(FrameRejected.checksumMismatch(batchId));
			}
			else {
				byte[] payload = new byte[(int) payloadLength];
				in.getBytes(start + headerBytes, payload);
				BatchDigest digest = (version == RelayFrame.VERSION) ? null
						: new BatchDigest(in.getLong(start + RelayFrame.HEADER_BYTES),
								in.getLong(start + RelayFrame.HEADER_BYTES + Long.BYTES));
				out.add(new RelayFrame(type.get(), batchId, payload, digest));
			}
			in.skipBytes((int) frameBytes);
		}
	}

	private void reportCorruption(ByteBuf in, List<Object> out, String reason) {
		this.corrupted = true;
		in.skipBytes(in.readableBytes());
		out.add(FrameRejected.unreadableHeader(reason));
	}

}
