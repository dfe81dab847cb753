#!/usr/bin/env bash
# Re-measure the locate-then-edit table of docs/results.md (and each model's unedited baseline) on a pair of world
# models, as one prepared job: deliverable "re-measure every figure table" of docs/world.md#world-v2, for new
# models before they are shipped, or for the shipped ones after.
#
#   scripts/remeasure_editors.sh OUT
#   GPT2=runs/world-v2/gpt2 LLAMA=runs/world-v2/llama DATA=runs/world-v2/data \
#       ACCELERATOR=gpu PARALLEL=4 scripts/remeasure_editors.sh runs/remeasure-v2
#
# Environment: GPT2, LLAMA (the models; default the shipped checkpoints/world-gpt2, checkpoints/world-llama), DATA
# (their world: test.jsonl, val.jsonl and corpus.jsonl.gz for the covariance statistics; checkpoints/world-data),
# CONFIGS (configs/<name>.yaml to run, "unedited" meaning the baseline on both models; default the table's twelve
# and the baseline), CASES (test cases of a single-language editor, 50 -> 100 edits in en and zh), M_CASES (of an
# M-variant, which writes all 8 languages per case, 12), ACCELERATOR ("cpu"), PARALLEL (runs at once, 1).
# A `*_llama` config edits LLAMA, any other GPT2. Each run goes to OUT/<name>/version_0 with its log at
# OUT/<name>.log; a run whose edit_metrics.json exists is not run again, so a cut-short job resumes. At the end
# `mke compare` prints one row per run (ES / PS / NS mono and cross) and writes OUT/compare/compare.md.
set -euo pipefail
out=${1:?usage: scripts/remeasure_editors.sh OUT}
gpt2=${GPT2:-checkpoints/world-gpt2}
llama=${LLAMA:-checkpoints/world-llama}
data=${DATA:-checkpoints/world-data}
configs=${CONFIGS:-unedited rome memit pmet rome_llama memit_llama pmet_llama m_rome m_memit m_pmet m_rome_llama m_memit_llama m_pmet_llama}
cases=${CASES:-50}
m_cases=${M_CASES:-12}
accelerator=${ACCELERATOR:-cpu}
parallel=${PARALLEL:-1}
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1
for file in "$data/test.jsonl" "$data/val.jsonl"; do
    [ -f "$file" ] || { echo "DATA=$data has no $(basename "$file")" >&2; exit 2; }
done
corpus="$data/corpus.jsonl.gz"                         # what `mke world generate` writes; an unpacked one too
[ -f "$corpus" ] || corpus="$data/corpus.jsonl"
[ -f "$corpus" ] || { echo "DATA=$data has no corpus.jsonl.gz (nor corpus.jsonl)" >&2; exit 2; }
for config in $configs; do
    [ -f "configs/$config.yaml" ] || { echo "no configs/$config.yaml (CONFIGS=$configs)" >&2; exit 2; }
done

one_run() {  # config model name
    local options=(--model.init_args.model_name_or_path "$2"
                   --data.init_args.test_path "$data/test.jsonl" --data.init_args.val_path "$data/val.jsonl"
                   --trainer.accelerator "$accelerator"
                   --trainer.logger.init_args.save_dir "$out" --trainer.logger.init_args.name "$3")
    [ -f "$out/$3/version_0/edit_metrics.json" ] && return 0
    rm -rf "$out/$3"                                   # a run cut short: start it again as version_0
    grep -q "^ *covariance:" "configs/$1.yaml" && options+=(--model.init_args.covariance.corpus "$corpus")
    case "$1" in m_*) options+=(--data.init_args.max_eval_cases "$m_cases") ;;
                 *) options+=(--data.init_args.max_eval_cases "$cases") ;; esac
    mke test --config "configs/$1.yaml" "${options[@]}" > "$out/$3.log" 2>&1
}

mkdir -p "$out"
runs=()
running=0
failed=0
for config in $configs; do
    if [ "$config" = unedited ]; then pairs=("unedited|$gpt2|unedited" "unedited|$llama|unedited_llama")
    elif [[ $config == *_llama ]]; then pairs=("$config|$llama|$config")
    else pairs=("$config|$gpt2|$config"); fi
    for pair in "${pairs[@]}"; do
        IFS='|' read -r name model run <<< "$pair"
        runs+=("$out/$run/version_0")
        one_run "$name" "$model" "$run" &
        running=$((running + 1))
        if [ "$running" -ge "$parallel" ]; then wait -n || failed=1; running=$((running - 1)); fi
    done
done
while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
for run in "${runs[@]}"; do
    [ -f "$run/edit_metrics.json" ] || { echo "no $run/edit_metrics.json: see $(dirname "$run").log" >&2; failed=1; }
done
[ "$failed" = 0 ] || exit 1
mke compare "${runs[@]}" --group_seeds false --figures false --output_dir "$out/compare"
