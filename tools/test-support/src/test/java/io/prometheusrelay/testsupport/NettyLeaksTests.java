package io.prometheusrelay.testsupport;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The leak check that every module's tests rely on must itself catch a leak. */
class NettyLeaksTests {

	@Test
	void reportsABufferThatWasNeverReleased() {
		leakOneBuffer();
		List<String> reports = NettyLeaks.drainReports();
		assertThat(reports).isNotEmpty();
		assertThat(reports.get(0)).startsWith("LEAK of ByteBuf");
	}

	@Test
	void reportsNothingWhenEveryBufferIsReleased() {
		ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(64);
		buffer.writeLong(42);
		buffer.release();
		assertThat(NettyLeaks.drainReports()).isEmpty();
	}

	private static void leakOneBuffer() {
		ByteBuf buffer = PooledByteBufAllocator.DEFAULT.buffer(64);
		buffer.writeLong(42);
	}

}
