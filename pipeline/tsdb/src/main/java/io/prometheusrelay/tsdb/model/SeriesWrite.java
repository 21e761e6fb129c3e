package io.prometheusrelay.tsdb.model;

import java.util.List;

/** What a batch brings one series: samples of any kind, in any order. */
public record SeriesWrite(Labels labels, List<Sample> samples) {
}
