package io.prometheusrelay.transport;

import java.util.zip.CRC32C;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.protocol.frame.RelayFrame;

/** Writes frames in the layout documented on {@link RelayFrame}; {@link RelayFrameDecoder} reads them. */
public final class RelayFrameCodec {

	private RelayFrameCodec() {
	}

	public static ByteBuf encode(ByteBufAllocator allocator, RelayFrame frame) {
		ByteBuf buffer = allocator.buffer(frame.encodedLength());
		encode(frame, buffer);
		return buffer;
	}

	public static void encode(RelayFrame frame, ByteBuf out) {
		int start = out.writerIndex();
		BatchDigest digest = frame.digest();
		out.writeByte(frame.version());
		out.writeByte(frame.type().code());
		out.writeLong(frame.batchId());
		out.writeInt(frame.payload().length);
		if (digest != null) {
			out.writeLong(digest.high());
			out.writeLong(digest.low());
		}
		out.writeBytes(frame.payload());
		out.writeInt(checksum(out, start, out.writerIndex() - start));
	}

	static int checksum(ByteBuf buffer, int index, int length) {
		CRC32C crc = new CRC32C();
		crc.update(buffer.nioBuffer(index, length));
		return (int) crc.getValue();
	}

}
