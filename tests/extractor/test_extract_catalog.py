"""End to end: `solemate-extractor import` of a small photo folder (labels, a non-image, a
truncated JPEG), then the catalog runs: features for every referenced photo and nothing else,
the BLOB formats of schema.sql (f32 little-endian equal to `embed`, u8 pixels), nothing to do
on a second run, recomputation after a changed photo, changed weights and changed
preprocessing, --limit/--rebuild, a bad image in the catalog recorded as a fault and skipped,
and a model without weights reported in one line (exit 69) instead of faked."""
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import sys

BUILD = os.environ["SOLEMATE_BUILD"]
TMP = os.environ["SOLEMATE_TMP"]
SHARED = os.environ["SHARED_DIR"]
MODELS = os.environ.get("MODELS_DIR") or os.path.join(SHARED, "models")
EXE = os.path.join(BUILD, "bin", "solemate-extractor")
DATA = os.path.join(SHARED, "datasets", "shoe-sandal-boot")
DB = os.path.join(TMP, "c.db")
n = failed = 0


def check(cond, name, detail=""):
    global n, failed
    n += 1
    if not cond:
        failed += 1
        print(f"not ok {n} - {name}")
        if detail:
            print("# " + str(detail).replace("\n", "\n# "))
    else:
        print(f"ok {n} - {name}")


def run(*args, models_dir=MODELS):
    p = subprocess.run([EXE, "--catalog", DB, "--models-dir", models_dir, *args],
                       capture_output=True, text=True, env={**os.environ, "SOLEMATE_CONFIG": ""})
    return p.returncode, p.stdout, p.stderr


def q(sql, *params):
    con = sqlite3.connect(DB)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# a photo folder: 5 shoes in two sub-folders, a README, a truncated JPEG, a labels file
photos = os.path.join(TMP, "photos")
os.makedirs(os.path.join(photos, "boot"))
os.makedirs(os.path.join(photos, "shoe"))
picked = ["boot/boot (1).jpg", "boot/boot (6).jpg", "shoe/Shoe (1).jpg", "shoe/Shoe (6).jpg"]
for rel in picked:
    shutil.copy(os.path.join(DATA, rel), os.path.join(photos, rel))
shutil.copy(os.path.join(DATA, "sandal/Sandal (1).jpg"), os.path.join(photos, "Sandal (1).jpg"))
picked.append("Sandal (1).jpg")
with open(os.path.join(photos, "README.txt"), "w") as f:
    f.write("not a photo\n")
with open(os.path.join(DATA, "sandal/Sandal (6).jpg"), "rb") as f:
    whole = f.read()
with open(os.path.join(photos, "cut.jpg"), "wb") as f:
    f.write(whole[: len(whole) // 2])
labels = os.path.join(TMP, "labels.csv")
with open(labels, "w") as f:
    f.write('relative_path,label\n"boot/boot (1).jpg",boot\nboot/boot (6).jpg,boot\n'
            "shoe/Shoe (1).jpg,shoe\nshoe/Shoe (6).jpg,shoe\nSandal (1).jpg,sandal\n")

rc, out, err = run("import", photos, "--labels", labels, "--json")
summary = json.loads(out) if rc == 0 and out.strip() else {}
check(rc == 0 and summary.get("added") == 5 and summary.get("failed") == 1
      and summary.get("not_images") == 1, "import adds 5 photos, 1 fault, 1 non-image", (rc, out, err))
rows = q("SELECT shop_id, label, name, source, kind FROM products ORDER BY shop_id")
check([r[0] for r in rows] == sorted(picked) and all(r[3] == "import" and r[4] == "shoe" for r in rows),
      "products keyed by the path relative to DIR", rows)
check(dict((r[0], r[1]) for r in rows).get("boot/boot (1).jpg") == "boot"
      and dict((r[0], r[1]) for r in rows).get("Sandal (1).jpg") == "sandal", "labels from the CSV", rows)
faults = q("SELECT f.kind, f.url FROM faults f JOIN runs r ON r.id = f.run_id WHERE r.program = 'extractor'")
check(len(faults) == 1 and faults[0][0] == "corrupt" and faults[0][1].endswith("cut.jpg"),
      "the truncated JPEG is a fault row of the import's run", faults)

before = q("SELECT * FROM products ORDER BY id")
rc, out, err = run("import", photos, "--labels", labels, "--json")
check(rc == 0 and json.loads(out).get("unchanged") == 5 and q("SELECT * FROM products ORDER BY id") == before
      and q("SELECT count(*) FROM images")[0][0] == 5, "re-import changes nothing", (out, err))

rc, out, err = run("--model", "mobilenet,pixel", "--json")
summary = json.loads(out) if rc == 0 and out.strip() else {}
check(rc == 0 and summary.get("computed") == 10 and summary.get("failed") == 0
      and "images_per_s" in summary, "extract computes mobilenet and pixel for all 5", (rc, out, err))
models = {r[0]: r[1:] for r in q("SELECT name, weights_sha256, dim, dtype, preprocessing FROM models")}
sha = subprocess.run(["sha256sum", os.path.join(MODELS, "mobilenet_v1_0.75_224.safetensors")],
                     capture_output=True, text=True).stdout.split()[0]
check(models.get("mobilenet") == (sha, 768, "f32", "tf-squash224")
      and models.get("pixel") == (None, 150528, "u8", "rgb8-squash224"), "models rows: digest, dim, dtype, preprocessing", models)
feats = q("SELECT model, count(*), min(length(vector)), max(length(vector)), min(weights_sha256 IS ?1) "
          "FROM features GROUP BY model ORDER BY model", sha)
check(feats == [("mobilenet", 5, 3072, 3072, 1), ("pixel", 5, 150528, 150528, 0)], "feature rows and BLOB sizes", feats)
runs = q("SELECT status, summary FROM runs ORDER BY id DESC LIMIT 1")
check(runs and runs[0][0] == "ok" and json.loads(runs[0][1]).get("computed") == 10, "runs row closed with the summary", runs)

# the BLOBs are what `embed` prints for the same file: f32 little-endian, u8 pixels
boot = os.path.join(photos, "boot/boot (1).jpg")
boot_sha = q("SELECT image_sha256 FROM products WHERE shop_id = 'boot/boot (1).jpg'")[0][0]
for model, fmt in (("mobilenet", "<768f"), ("pixel", "150528B")):
    p = subprocess.run([EXE, "embed", "--models-dir", MODELS, "--model", model, "--format", "json", boot],
                       capture_output=True, text=True)
    line = json.loads(p.stdout) if p.returncode == 0 else {}
    blob = q("SELECT vector FROM features WHERE image_sha256 = ?1 AND model = ?2", boot_sha, model)[0][0]
    stored = list(struct.unpack(fmt, blob))
    # a batch of 5 and a batch of 1 may sum in another order: equal to float32 rounding
    printed = [float(v) for v in line.get("feature", [])]
    diff = max((abs(a - b) for a, b in zip(printed, stored)), default=1.0) if len(printed) == len(stored) else 1.0
    check(line.get("file") == boot and line.get("model") == model and diff <= 1e-4 * max(1.0, max(map(abs, stored))),
          f"{model}: stored BLOB equals `embed --format json` (max difference {diff:.3g})", p.stderr)

rc, out, err = run("--model", "mobilenet,pixel", "--json")
check(rc == 0 and json.loads(out).get("computed") == 0, "second run: nothing to do", out)

# a changed photo re-points its product, and only the new photo is computed
shutil.copy(os.path.join(DATA, "boot/boot (11).jpg"), boot)
rc, out, err = run("import", photos, "--json")
check(rc == 0 and json.loads(out).get("updated") == 1, "a changed file re-points its product", out)
check(q("SELECT label FROM products WHERE shop_id = 'boot/boot (1).jpg'") == [("boot",)],
      "a re-import without --labels keeps the label")
rc, out, err = run("--model", "mobilenet", "--json")
check(rc == 0 and json.loads(out).get("computed") == 1, "the changed photo is computed", out)

# bad image bytes in the catalog (a crawler's view) become a fault; unreferenced images are left alone
con = sqlite3.connect(DB)
con.execute("INSERT INTO images VALUES (?1, ?2, 'image/jpeg', 10, 10, 0)", ("b" * 64, b"\xff\xd8\xff\xe0garbage"))
con.execute("INSERT INTO images VALUES (?1, ?2, 'image/jpeg', 136, 102, 0)", ("c" * 64, whole))
con.execute("INSERT INTO products (source, shop_id, image_sha256, first_seen, updated_at) VALUES ('t', '1', ?1, 0, 0)", ("b" * 64,))
con.commit()
con.close()
rc, out, err = run("--model", "pixel", "--json")
summary = json.loads(out) if out.strip() else {}
check(rc == 0 and summary.get("computed") == 1 and summary.get("failed") == 1, "a bad image is skipped", (rc, out, err))
check(q("SELECT count(*) FROM faults WHERE url = ?1 AND kind = 'corrupt'", "image:" + "b" * 64) == [(1,)],
      "... and recorded in faults")
check(q("SELECT count(*) FROM features WHERE image_sha256 = ?1", "c" * 64) == [(0,)], "unreferenced images are not processed")

# changed weights: every mobilenet feature is stale and recomputed
other = os.path.join(TMP, "models")
os.makedirs(other)
weights = os.path.join(other, "mobilenet_v1_0.75_224.safetensors")
shutil.copy(os.path.join(MODELS, "mobilenet_v1_0.75_224.safetensors"), weights)
with open(weights, "r+b") as f:  # nudge the last float's lowest mantissa byte
    f.seek(-4, os.SEEK_END)
    b = f.read(1)
    f.seek(-4, os.SEEK_END)
    f.write(bytes([b[0] ^ 1]))
rc, out, err = run("--model", "mobilenet", "--json", models_dir=other)
check(rc == 0 and json.loads(out).get("computed") == 5, "changed weights: all 5 recomputed", (rc, out, err))
new_sha = q("SELECT weights_sha256 FROM models WHERE name = 'mobilenet'")[0][0]
check(new_sha != sha and q("SELECT count(*) FROM features WHERE model = 'mobilenet' AND weights_sha256 = ?1", new_sha) == [(5,)],
      "models and features carry the new digest")

# changed preprocessing: --fit pad makes the crop features stale
rc, out, err = run("--model", "pixel", "--fit", "pad", "--json")
check(rc == 0 and json.loads(out).get("computed") == 5, "changed preprocessing: recomputed", out)
check(q("SELECT DISTINCT f.preprocessing FROM features f JOIN products p ON p.image_sha256 = f.image_sha256 "
        "WHERE f.model = 'pixel'") == [("rgb8-pad224",)], "pad preprocessing recorded")

rc, out, err = run("--model", "pixel", "--fit", "pad", "--rebuild", "--limit", "2", "--json")
check(rc == 0 and json.loads(out).get("computed") == 2, "--rebuild --limit 2 recomputes two", out)

# weights missing: one line with the remedy, exit 69, nothing faked
rc, out, err = run("--model", "resnet18", models_dir=other)
lines = err.strip().splitlines()
check(rc == 69 and len(lines) == 1 and "make models" in lines[0] and lines[0].startswith("solemate-extractor: resnet18:"),
      "missing weights: one line, exit 69", (rc, err))
check(q("SELECT count(*) FROM models WHERE name = 'resnet18'") == [(0,)] and
      q("SELECT count(*) FROM features WHERE model = 'resnet18'") == [(0,)], "no resnet18 rows appear")
rc, out, err = run("--all-models", "--json", models_dir=other)
check(rc == 0 and [m["name"] for m in json.loads(out)["models"]] == ["mobilenet", "pixel"],
      "--all-models: the models with weights present, plus pixel", (rc, out, err))
rc, out, err = run("--fit", "zoom")
check(rc == 64 and len(err.strip().splitlines()) == 1, "bad --fit is a usage error", err)
rc, out, err = run("embed", "--model", "pixel", os.path.join(TMP, "nope.jpg"))
check(rc == 66 and len(err.strip().splitlines()) == 1, "embed of a missing file: one line, exit 66", (rc, err))

print(f"1..{n}")
sys.exit(1 if failed else 0)
