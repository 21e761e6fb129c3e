package io.prometheusrelay.transport;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.prometheusrelay.protocol.frame.BatchDigest;
import io.prometheusrelay.protocol.frame.RelayFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RelayFrameDecoderTests {

	private final EmbeddedChannel channel = new EmbeddedChannel(new RelayFrameDecoder(1024));

	@AfterEach
	void close() {
		this.channel.finishAndReleaseAll();
	}

	@Test
	void roundTripsEveryFrameType() {
		RelayFrame batch = RelayFrame.batch(42, "payload".getBytes(StandardCharsets.UTF_8));
		RelayFrame ack = RelayFrame.ack(42);
		RelayFrame nack = RelayFrame.nack(43, "disk full", true);
		RelayFrame heartbeat = RelayFrame.heartbeat(7);
		for (RelayFrame frame : new RelayFrame[] { batch, ack, nack, heartbeat }) {
			this.channel.writeInbound(encode(frame));
		}
		assertSameFrame(this.channel.readInbound(), batch);
		assertSameFrame(this.channel.readInbound(), ack);
		RelayFrame decodedNack = this.channel.readInbound();
		assertSameFrame(decodedNack, nack);
		assertThat(decodedNack.nackPayload().getReason()).isEqualTo("disk full");
		assertThat(decodedNack.nackPayload().getRetryable()).isTrue();
		assertSameFrame(this.channel.readInbound(), heartbeat);
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void reassemblesFramesSplitAcrossReadsAtEveryByte() {
		RelayFrame first = RelayFrame.batch(1, new byte[] { 1, 2, 3, 4, 5 });
		RelayFrame second = RelayFrame.batch(2, new byte[] { 6, 7 });
		ByteBuf both = Unpooled.buffer();
		RelayFrameCodec.encode(first, both);
		RelayFrameCodec.encode(second, both);
		writeInPieces(both, 1);
		assertSameFrame(this.channel.readInbound(), first);
		assertSameFrame(this.channel.readInbound(), second);
	}

	@Test
	void nacksAnOversizeFrameWithoutBufferingItAndKeepsReading() {
		RelayFrame oversize = RelayFrame.batch(9, new byte[4096]);
		RelayFrame next = RelayFrame.batch(10, new byte[] { 1 });
		ByteBuf encoded = encode(oversize);
		writeInPieces(encoded, 100);
		this.channel.writeInbound(encode(next));
		FrameRejected rejected = this.channel.readInbound();
		assertThat(rejected.batchId()).isEqualTo(9);
		assertThat(rejected.fatal()).isFalse();
		assertThat(rejected.retryable()).isFalse();
		assertThat(rejected.reason()).contains("exceeds the limit of 1024 bytes");
		assertSameFrame(this.channel.readInbound(), next);
	}

	@Test
	void rejectsACorruptedPayloadAsRetryableAndKeepsReading() {
		ByteBuf corrupted = encode(RelayFrame.batch(5, new byte[] { 1, 2, 3 }));
		corrupted.setByte(RelayFrame.HEADER_BYTES + 1, 99);
		this.channel.writeInbound(corrupted);
		this.channel.writeInbound(encode(RelayFrame.ack(6)));
		FrameRejected rejected = this.channel.readInbound();
		assertThat(rejected.batchId()).isEqualTo(5);
		assertThat(rejected.retryable()).isTrue();
		assertThat(rejected.reason()).isEqualTo("frame checksum mismatch");
		assertSameFrame(this.channel.readInbound(), RelayFrame.ack(6));
	}

	@Test
	void treatsGarbageAsAFatalProtocolErrorAndDropsTheRest() {
		this.channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII));
		this.channel.writeInbound(encode(RelayFrame.ack(1)));
		FrameRejected rejected = this.channel.readInbound();
		assertThat(rejected.fatal()).isTrue();
		assertThat(rejected.reason()).startsWith("unsupported relay frame version");
		assertThat((Object) this.channel.readInbound()).isNull();
	}

	@Test
	void treatsAnUnknownFrameTypeAsFatal() {
		ByteBuf frame = encode(RelayFrame.ack(1));
		frame.setByte(1, 77);
		assertFatal(frame, "unknown relay frame type 77");
	}

	@Test
	void acceptsAFrameOfExactlyTheLimit() {
		int payload = 1024 - RelayFrame.HEADER_BYTES - RelayFrame.TRAILER_BYTES;
		RelayFrame frame = RelayFrame.batch(3, new byte[payload]);
		this.channel.writeInbound(encode(frame));
		assertSameFrame(this.channel.readInbound(), frame);
	}

	@Test
	void readsABatchWithItsDigestSplitAcrossReadsAtEveryByte() {
		BatchDigest digest = BatchDigest.of(new byte[] { 1, 2, 3 });
		RelayFrame withDigest = RelayFrame.batch(1, new byte[] { 1, 2, 3 }, digest);
		RelayFrame without = RelayFrame.batch(2, new byte[] { 4 });
		ByteBuf both = Unpooled.buffer();
		RelayFrameCodec.encode(withDigest, both);
		RelayFrameCodec.encode(without, both);
		assertThat(both.getByte(0)).isEqualTo(RelayFrame.VERSION_WITH_DIGEST);
		assertThat(both.getByte(withDigest.encodedLength())).isEqualTo(RelayFrame.VERSION);
		writeInPieces(both, 1);
		RelayFrame decoded = this.channel.readInbound();
		assertSameFrame(decoded, withDigest);
		assertThat(decoded.digest()).isEqualTo(digest);
		RelayFrame plain = this.channel.readInbound();
		assertSameFrame(plain, without);
		assertThat(plain.digest()).isNull();
	}

	@Test
	void countsADigestOutsideTheLimitSoThatABatchSizedForItStillFits() {
		int payload = 1024 - RelayFrame.HEADER_BYTES - RelayFrame.TRAILER_BYTES;
		RelayFrame frame = RelayFrame.batch(3, new byte[payload], new BatchDigest(1, 2));
		this.channel.writeInbound(encode(frame));
		assertSameFrame(this.channel.readInbound(), frame);
		ByteBuf oversize = encode(RelayFrame.batch(4, new byte[payload + 1], new BatchDigest(1, 2)));
		writeInPieces(oversize, 100);
		RelayFrame next = RelayFrame.batch(5, new byte[] { 1 }, new BatchDigest(3, 4));
		this.channel.writeInbound(encode(next));
		FrameRejected rejected = this.channel.readInbound();
		assertThat(rejected.batchId()).isEqualTo(4);
		assertThat(rejected.fatal()).isFalse();
		RelayFrame decoded = this.channel.readInbound();
		assertSameFrame(decoded, next);
		assertThat(decoded.digest()).isEqualTo(new BatchDigest(3, 4));
	}

	@Test
	void treatsAVersionTwoFrameThatIsNotABatchAsFatal() {
		ByteBuf frame = encode(RelayFrame.ack(1));
		frame.setByte(0, RelayFrame.VERSION_WITH_DIGEST);
		assertFatal(frame, "a relay frame of version 2 carries a BATCH only, not ACK");
	}

	@Test
	void detectsACorruptedDigest() {
		ByteBuf frame = encode(RelayFrame.batch(5, new byte[] { 1 }, new BatchDigest(1, 2)));
		frame.setByte(RelayFrame.HEADER_BYTES + 3, 99);
		this.channel.writeInbound(frame);
		FrameRejected rejected = this.channel.readInbound();
		assertThat(rejected.batchId()).isEqualTo(5);
		assertThat(rejected.retryable()).isTrue();
	}

	@Test
	void reassemblesALargeBatchFromSocketSizedReads() {
		byte[] payload = new byte[3 * 1024 * 1024 + 17];
		new Random(7).nextBytes(payload);
		RelayFrame large = RelayFrame.batch(11, payload, BatchDigest.of(payload));
		RelayFrame next = RelayFrame.batch(12, new byte[] { 9 });
		ByteBuf both = Unpooled.buffer();
		RelayFrameCodec.encode(large, both);
		RelayFrameCodec.encode(next, both);
		EmbeddedChannel channel = new EmbeddedChannel(new RelayFrameDecoder(8 * 1024 * 1024));
		while (both.isReadable()) {
			channel.writeInbound(both.readRetainedSlice(Math.min(65536, both.readableBytes())));
		}
		both.release();
		RelayFrame decoded = channel.readInbound();
		assertSameFrame(decoded, large);
		assertThat(decoded.digest()).isEqualTo(BatchDigest.of(payload));
		assertSameFrame(channel.readInbound(), next);
		channel.finishAndReleaseAll();
	}

	@Test
	void holdsMemoryInProportionToWhatAPeerSentNotToWhatItDeclared() {
		RelayFrameDecoder decoder = new RelayFrameDecoder(64 * 1024 * 1024);
		EmbeddedChannel channel = new EmbeddedChannel(decoder);
		byte[] payload = new byte[4 * 1024 * 1024];
		new Random(13).nextBytes(payload);
		ByteBuf frame = encode(RelayFrame.batch(13, payload));
		int sent = 0;
		while (frame.isReadable()) {
			int piece = Math.min((sent == 0) ? 24 : 32 * 1024, frame.readableBytes());
			channel.writeInbound(frame.readRetainedSlice(piece));
			sent += piece;
			if (frame.isReadable()) {
				assertThat(decoder.bytesHeld()).as("after %d bytes", sent)
					.isBetween(sent - RelayFrame.HEADER_BYTES, RelayFrameDecoder.ALLOCATION_FACTOR * sent);
			}
		}
		frame.release();
		assertSameFrame(channel.readInbound(), RelayFrame.batch(13, payload));
		assertThat(decoder.bytesHeld()).isZero();
		channel.finishAndReleaseAll();
	}

	/** Writes a frame whose header cannot be framed, and expects it refused as fatal with {@code reason}. */
	private void assertFatal(ByteBuf frame, String reason) {
		this.channel.writeInbound(frame);
		FrameRejected rejected = this.channel.readInbound();
		assertThat(rejected.fatal()).isTrue();
		assertThat(rejected.reason()).isEqualTo(reason);
	}

	/** Writes {@code bytes} to the decoder {@code pieceBytes} at a time, as many socket reads would, and releases it. */
	private void writeInPieces(ByteBuf bytes, int pieceBytes) {
		while (bytes.isReadable()) {
			this.channel.writeInbound(bytes.readRetainedSlice(Math.min(pieceBytes, bytes.readableBytes())));
		}
		bytes.release();
	}

	private static ByteBuf encode(RelayFrame frame) {
		return RelayFrameCodec.encode(ByteBufAllocator.DEFAULT, frame);
	}

	private static void assertSameFrame(Object decoded, RelayFrame expected) {
		assertThat(decoded).isInstanceOf(RelayFrame.class);
		RelayFrame frame = (RelayFrame) decoded;
		assertThat(frame.type()).isEqualTo(expected.type());
		assertThat(frame.batchId()).isEqualTo(expected.batchId());
		assertThat(frame.payload()).isEqualTo(expected.payload());
	}

}
