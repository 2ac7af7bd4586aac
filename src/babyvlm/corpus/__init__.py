"""Reading corpora: layouts, transcripts, video decoding."""

from babyvlm.corpus.layouts import Corpus, CorpusOptions, open_corpus
from babyvlm.corpus.session import Session, SessionEntry, Utterance
from babyvlm.corpus.video import Frame, VideoError, VideoInfo, VideoReader, probe, sample_times

__all__ = [
    "Corpus", "CorpusOptions", "Frame", "Session", "SessionEntry", "Utterance", "VideoError", "VideoInfo",
    "VideoReader", "open_corpus", "probe", "sample_times",
]
