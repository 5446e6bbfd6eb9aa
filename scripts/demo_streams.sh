#!/usr/bin/env bash
# Demo camera feeds: STREAMS (default 4) live HLS test streams made by ffmpeg into
# var/streams/<n>/index.m3u8, served by the app at /demo/streams/<n>/index.m3u8 (development only).
# seed_demo points the cameras around the demo places at them. Runs until stopped (Procfile
# `streams:`); Ctrl-C or SIGTERM stops every ffmpeg it started.
set -euo pipefail
cd "$(dirname "$0")/.."

STREAMS="${STREAMS:-4}"
OUT="${STREAMS_DIR:-var/streams}"
export TZ="${TZ:-Asia/Seoul}"  # the clock burnt into the picture is Seoul time, like the center
command -v ffmpeg >/dev/null 2>&1 || { echo "[streams] ffmpeg not found (apt-get install ffmpeg)" >&2; exit 1; }

# A Korean-capable font if there is one, else DejaVu; without any font, plain testsrc2.
font=""
for candidate in /usr/share/fonts/truetype/nanum/NanumGothicBold.ttf \
                 /usr/share/fonts/truetype/nanum/NanumGothic.ttf \
                 /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf; do
  if [ -f "$candidate" ]; then font="$candidate"; break; fi
done
label="DEMO CAM"
case "$font" in *nanum*) label="데모 CCTV" ;; esac
filters=$(ffmpeg -hide_banner -filters 2>/dev/null || true)
case "$filters" in *" drawtext "*) ;; *) font="" ;; esac

pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait; }
trap stop EXIT INT TERM

for n in $(seq 1 "$STREAMS"); do
  dir="$OUT/$n"
  rm -rf "$dir" && mkdir -p "$dir"  # stale segments of a previous run would confuse players
  filter="null"
  if [ -n "$font" ]; then
    # The label and the wall-clock time: a frozen picture is obvious at a glance.
    filter="drawtext=fontfile=$font:text='$label $n':x=16:y=h-th-16:fontsize=28:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6"
    filter+=",drawtext=fontfile=$font:text='%{localtime\\:%H\\\\\\:%M\\\\\\:%S}':x=w-tw-16:y=h-th-16:fontsize=24:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=6"
  fi
  # -re paces the synthetic source in real time (a live camera); baseline H.264 in MPEG-TS plays
  # in every browser through hls.js or natively; 2 s GOP = one keyframe per segment.
  ffmpeg -hide_banner -loglevel error -nostdin -re \
    -f lavfi -i "testsrc2=size=640x360:rate=15" -vf "$filter" \
    -c:v libx264 -preset ultrafast -tune zerolatency -profile:v baseline -pix_fmt yuv420p \
    -g 30 -keyint_min 30 -sc_threshold 0 -b:v 600k \
    -f hls -hls_time 2 -hls_list_size 5 -hls_flags delete_segments+omit_endlist \
    -hls_segment_filename "$dir/index%d.ts" "$dir/index.m3u8" &
  pids+=("$!")
done
echo "[streams] $STREAMS demo HLS streams in $OUT/<n>/index.m3u8${font:+ (label font $font)}"
wait
