#!/usr/bin/env bash
# Pretrain the world v2 models of one data recipe for several seeds (both stages) and probe each: deliverable
# "≥ 3 seeds of the chosen recipe" of docs/world.md#world-v2, as one prepared job for a machine with more cores
# or an accelerator (on 2 CPU cores one model takes about an hour, so run it with SEEDS/ARCHS narrowed).
#
#   scripts/world_v2_seeds.sh OUT [mke world generate options of the recipe]
#   ACCELERATOR=gpu PARALLEL=6 scripts/world_v2_seeds.sh runs/world-v2-keep     # the default world: pool + keep
#
# Environment: SEEDS ("0 1 2"), ARCHS ("gpt2 llama"), ACCELERATOR ("cpu"), PARALLEL (jobs at once, 1), FIT_OPTIONS
# (more `mke fit` options for both stages, split at spaces: e.g. "--model.init_args.name_alignment_weight 1.0").
# Writes OUT/data (the world, generated once), OUT/<arch>-s<seed>/{sentences,model,probe}, and prints one line per
# model (prompt / paraphrase / held-out recall, mean transfer en->X and zh->X, RankC cross-script mean).
set -euo pipefail
out=${1:?usage: scripts/world_v2_seeds.sh OUT [world generate options]}
shift
seeds=${SEEDS:-0 1 2}
archs=${ARCHS:-gpt2 llama}
accelerator=${ACCELERATOR:-cpu}
parallel=${PARALLEL:-1}
read -r -a fit_options <<< "${FIT_OPTIONS:-}"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
[ -f "$out/data/world.json" ] || mke world generate --version 2 --out "$out/data" "$@"

one_model() {  # arch seed
    local dir="$out/$1-s$2" common
    common=(--seed_everything "$2" --data.init_args.seed "$2" --trainer.accelerator "$accelerator"
            --data.init_args.world_dir "$out/data" --data.init_args.tokenizer_dir "$dir/tokenizer"
            ${fit_options[@]+"${fit_options[@]}"})
    mkdir -p "$dir"
    mke fit --config "configs/world/v2/pretrain_$1.yaml" "${common[@]}" --model.init_args.export_dir "$dir/sentences" \
        --trainer.logger.init_args.name "$(basename "$out")-$1-s$2" > "$dir/stage1.log" 2>&1
    mke fit --config "configs/world/v2/in_context_$1.yaml" "${common[@]}" --model.init_args.init_from "$dir/sentences" \
        --model.init_args.export_dir "$dir/model" --trainer.logger.init_args.name "$(basename "$out")-$1-s$2-in-context" \
        > "$dir/stage2.log" 2>&1
    mke probe --model "$dir/model" --data "$out/data/test.jsonl" --out "$dir/probe" > "$dir/probe.log" 2>&1
}

jobs_running=0
for arch in $archs; do
    for seed in $seeds; do
        one_model "$arch" "$seed" &
        jobs_running=$((jobs_running + 1))
        if [ "$jobs_running" -ge "$parallel" ]; then wait -n; jobs_running=$((jobs_running - 1)); fi
    done
done
wait

python - "$out" $archs -- $seeds <<'PY'
import json, statistics, sys
out, rest = sys.argv[1], sys.argv[2:]
archs, seeds = rest[:rest.index("--")], rest[rest.index("--") + 1:]
for arch in archs:
    for seed in seeds:
        p = json.load(open(f"{out}/{arch}-s{seed}/probe/probe.json", encoding="utf-8"))
        r, t = p["recall"], p["transfer"]
        mean = {src: statistics.mean(v for lang, v in t[src].items() if lang != src) for src in t}
        print(f"{arch} seed {seed}: prompt {100 * r['prompt']['all']:.1f} paraphrase {100 * r['paraphrase']['all']:.1f} "
              f"held-out {100 * r['held_out_template']['all']:.1f} "
              + " ".join(f"{src}->X {100 * m:.1f}" for src, m in sorted(mean.items()))
              + f" RankC cross-script {100 * p['rankc_cross_script_mean']:.1f}")
PY
