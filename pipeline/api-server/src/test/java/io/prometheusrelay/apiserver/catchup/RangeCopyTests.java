package io.prometheusrelay.apiserver.catchup;

import java.util.List;

import io.prometheusrelay.tsdb.model.BatchId;
import io.prometheusrelay.tsdb.model.StoredBatch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class RangeCopyTests {

	@Test
	void batchesSecondsApartAreCopiedAsOneRangeAndOnesMinutesApartAsTwo() {
		List<StoredBatch> lacking = List.of(batch(1, 0, 4_900), batch(2, 5_000, 9_900), batch(3, 15_000, 15_000),
				batch(4, 200_000, 205_000));
		List<RangeCopy.Range> ranges = RangeCopy.ranges(lacking);
		assertThat(ranges).extracting(RangeCopy.Range::start, RangeCopy.Range::end)
			.containsExactly(tuple(0L, 15_000L),
					tuple(200_000L, 205_000L));
		assertThat(ranges.get(0).batches()).hasSize(3);
	}

	private static StoredBatch batch(long id, long minTime, long maxTime) {
		return new StoredBatch(new BatchId(0, id), minTime, maxTime, 0);
	}

}
