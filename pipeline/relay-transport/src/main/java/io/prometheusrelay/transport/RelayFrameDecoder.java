package io.prometheusrelay.transport;

import java.util.List;
import java.util.Optional;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.prometheusrelay.protocol.frame.RelayFrame;
import io.prometheusrelay.protocol.frame.FrameType;

/**
 * Turns the byte stream of one connection into {@link RelayFrame}s, with a hard size limit.
 * <p>
 * A frame over the limit is skipped without being buffered and reported as a {@link FrameRejected}
 * carrying its batch id, so the peer gets a NACK and the connection stays usable; so is a frame
 * whose checksum does not match. An unknown version or frame type means the stream cannot be
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
			if (version != RelayFrame.VERSION) {
				reportCorruption(in, out, "unsupported relay frame version " + version);
				return;
			}
			Optional<FrameType> type = FrameType.fromCode(in.getByte(start + 1));
			if (type.isEmpty()) {
				reportCorruption(in, out, "unknown relay frame type " + in.getByte(start + 1));
				return;
			}
			long batchId = in.getLong(start + 2);
			long payloadLength = in.getUnsignedInt(start + 10);
			long frameBytes = RelayFrame.HEADER_BYTES + payloadLength + RelayFrame.TRAILER_BYTES;
			if (frameBytes > this.maxFrameBytes) {
				out.add(FrameRejected.oversize(batchId, frameBytes, this.maxFrameBytes));
				int skipped = (int) Math.min(frameBytes, in.readableBytes());
				in.skipBytes(skipped);
				this.bytesToSkip = frameBytes - skipped;
				return;
			}
			if (in.readableBytes() < frameBytes) {
				return;
			}
			int checkedLength = RelayFrame.HEADER_BYTES + (int) payloadLength;
			int expected = in.getInt(start + checkedLength);
			if (RelayFrameCodec.checksum(in, start, checkedLength) != expected) {
				out.add(FrameRejected.checksumMismatch(batchId));
			}
			else {
				byte[] payload = new byte[(int) payloadLength];
				in.getBytes(start + RelayFrame.HEADER_BYTES, payload);
				out.add(new RelayFrame(type.get(), batchId, payload));
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
