package io.prometheusrelay.tsdb.chunkenc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.prometheusrelay.tsdb.model.StaleNaN;
import io.prometheusrelay.tsdb.model.ValueType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class XorChunkTests {

	@Test
	void readsBackEveryValueBitForBit() {
		long[] bits = { Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(-0.0), StaleNaN.BITS,
				0x7ff8000000000001L, Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
				Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY), Double.doubleToRawLongBits(Double.MIN_VALUE),
				Double.doubleToRawLongBits(Double.MAX_VALUE), Double.doubleToRawLongBits(1.5), 0xFFFFFFFFFFFFFFFFL,
				Double.doubleToRawLongBits(1.5), Double.doubleToRawLongBits(123456.789) };
		XorChunkBuilder builder = new XorChunkBuilder();
		for (int i = 0; i < bits.length; i++) {
			builder.append(1000L * i, Double.longBitsToDouble(bits[i]));
		}
		List<long[]> read = readAll(builder.toChunk());
		assertThat(read).hasSize(bits.length);
		for (int i = 0; i < bits.length; i++) {
			assertThat(read.get(i)[0]).isEqualTo(1000L * i);
			assertThat(read.get(i)[1]).as("value %d", i).isEqualTo(bits[i]);
		}
	}

	@Test
	void readsBackTimestampsWhoseDeltaOfDeltasTakesEverySize() {
		long[] deltaOfDeltas = { 0, 1, -1, 8192, -8191, 8193, -8192, 65536, -65535, 65537, 524288, -524287, 524289,
				-524288, 1L << 40, -(1L << 40), 0, 3 };
		List<Long> timestamps = new ArrayList<>();
		long t = -5_000_000;
		long delta = 15_000;
		timestamps.add(t);
		t += delta;
		timestamps.add(t);
		for (long dod : deltaOfDeltas) {
			delta += dod;
			if (delta <= 0) {
				delta = 1;
			}
			t += delta;
			timestamps.add(t);
		}
		XorChunkBuilder builder = new XorChunkBuilder();
		timestamps.forEach(ts -> builder.append(ts, ts * 0.5));
		List<long[]> read = readAll(builder.toChunk());
		assertThat(read).extracting(sample -> sample[0]).containsExactlyElementsOf(timestamps);
		assertThat(read).extracting(sample -> Double.longBitsToDouble(sample[1]))
			.containsExactlyElementsOf(timestamps.stream().map(ts -> ts * 0.5).toList());
	}

	@Test
	void readsBackRandomSeries() {
		Random random = new Random(7);
		for (int run = 0; run < 200; run++) {
			XorChunkBuilder builder = new XorChunkBuilder();
			int n = 1 + random.nextInt(ChunkBuilder.SAMPLES_PER_CHUNK);
			long[] ts = new long[n];
			long[] values = new long[n];
			long t = random.nextLong() >> 20;
			for (int i = 0; i < n; i++) {
				t += 1 + random.nextInt(random.nextBoolean() ? 30_000 : 3);
				ts[i] = t;
				values[i] = switch (random.nextInt(4)) {
					case 0 -> random.nextLong();
					case 1 -> Double.doubleToRawLongBits(random.nextInt(100));
					case 2 -> (i > 0) ? values[i - 1] : 0;
					default -> Double.doubleToRawLongBits(random.nextGaussian());
				};
				builder.append(ts[i], Double.longBitsToDouble(values[i]));
			}
			List<long[]> read = readAll(builder.toChunk());
			assertThat(read).hasSize(n);
			for (int i = 0; i < n; i++) {
				assertThat(read.get(i)).containsExactly(ts[i], values[i]);
			}
			assertThat(builder.minTime()).isEqualTo(ts[0]);
			assertThat(builder.maxTime()).isEqualTo(ts[n - 1]);
		}
	}

	@Test
	void compressesARegularCounterToAboutABytePerSample() {
		XorChunkBuilder builder = new XorChunkBuilder();
		for (int i = 0; i < ChunkBuilder.SAMPLES_PER_CHUNK; i++) {
			builder.append(1_700_000_000_000L + 15_000L * i, 1000 + 3 * i);
		}
		assertThat(builder.isFull()).isTrue();
		assertThat(builder.sizeBytes()).isLessThan(2 * ChunkBuilder.SAMPLES_PER_CHUNK);
	}

	@Test
	void refusesASampleThatIsNotLaterThanTheLast() {
		XorChunkBuilder builder = new XorChunkBuilder();
		builder.append(10, 1);
		assertThatIllegalArgumentException().isThrownBy(() -> builder.append(10, 2));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.append(9, 2));
	}

	@Test
	void aSnapshotIsNotChangedByLaterAppends() {
		XorChunkBuilder builder = new XorChunkBuilder();
		builder.append(1, 1);
		builder.append(2, 2);
		Chunk snapshot = builder.toChunk();
		builder.append(3, 3);
		assertThat(readAll(snapshot)).hasSize(2);
		assertThat(readAll(builder.toChunk())).hasSize(3);
	}

	static List<long[]> readAll(Chunk chunk) {
		List<long[]> samples = new ArrayList<>();
		SampleIterator it = chunk.iterator();
		while (it.next() == ValueType.FLOAT) {
			samples.add(new long[] { it.timestamp(), Double.doubleToRawLongBits(it.value()) });
		}
		return samples;
	}

}
