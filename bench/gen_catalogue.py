#!/usr/bin/env python3
"""Builds a large content folder for the catalogue-scale benchmark (stdlib only).

    bench/gen_catalogue.py OUT_DIR [--articles 1000] [--content content] [--seed 1]

Copies the site's own content (authors.toml, categories.toml, site.toml, tips.toml, pages/,
images/, search/ and the real articles, which the daily tips and body links point at) into OUT_DIR, then
writes N generated articles to OUT_DIR/articles/ in the same front-matter format as
content/articles/*.md: a slug, title, description, category (a key of categories.toml),
author, dates, ~800 words of body in ## sections assembled from paragraphs, 2-4 sources each
cited as [^n], a hero pointing at an existing image, medical = true. The output is the same for
the same seed, so runs compare.
"""

import argparse
import datetime as dt
import os
import random
import re
import shutil
import sys

# What an article can be about, per category: (name used in text, slug word).
SUBJECTS = {
    "supplements": ["magnesium", "vitamin D", "vitamin B12", "zinc", "iron", "creatine", "folate",
                    "vitamin C", "calcium", "melatonin", "iodine", "selenium", "collagen", "turmeric"],
    "nutrition": ["dietary fiber", "protein", "whole grains", "legumes", "nuts", "olive oil", "eggs",
                  "breakfast", "added sugar", "ultra-processed food", "leafy greens", "berries", "dairy"],
    "gut-health": ["probiotics", "kefir", "yogurt", "sauerkraut", "prebiotic fiber", "kimchi",
                   "the gut microbiome", "bloating", "resistant starch", "polyphenols"],
    "sleep": ["sleep duration", "bedtime routines", "caffeine", "napping", "screen time", "shift work",
              "insomnia", "morning light", "sleep apnea", "bedroom temperature"],
    "fitness": ["walking", "strength training", "stretching", "interval training", "cycling",
                "swimming", "balance exercises", "yoga", "running", "stair climbing"],
    "heart-health": ["blood pressure", "LDL cholesterol", "salt", "potassium", "triglycerides",
                     "resting heart rate", "atrial fibrillation", "omega-3 fats", "saturated fat"],
}

ANGLES = ["What the Evidence Says", "A Practical Guide", "Myths and Facts", "How Much Is Enough?",
          "Who Benefits Most", "Questions Answered", "The Research in Plain Words", "Getting Started",
          "Benefits, Risks and Doses", "What Changes With Age"]

GROUPS = ["adults over 60", "younger adults", "pregnant women", "people with diabetes",
          "office workers", "older women", "people with kidney disease", "athletes", "teenagers",
          "people with high blood pressure"]

OUTCOMES = ["all-cause mortality", "bone density", "blood pressure", "sleep quality", "insulin sensitivity",
            "muscle strength", "mood", "cardiovascular events", "inflammation markers", "energy levels"]

SECTION_TITLES = ["What {s} does in the body", "What the research says about {s}",
                  "How much {s} is enough", "Who should pay attention to {s}",
                  "Food first: everyday sources of {s}", "Risks and side effects of {s}",
                  "Putting {s} into practice", "When to talk to a doctor about {s}"]

# Sentence templates; {s} subject, {g} group, {o} outcome, {n}/{m}/{k} numbers, {y} year.
SENTENCES = [
    "A meta-analysis of {n} trials found that {s} was linked to modest changes in {o} among {g}.",
    "In a cohort of {m} adults followed for {k} years, people with the highest intake of {s} had better {o}.",
    "Researchers caution that observational studies of {s} cannot rule out that healthier people simply differ in other ways.",
    "For most {g}, the amount of {s} in a varied diet is close to what the guidelines recommend.",
    "Randomised trials of {s} have given mixed results, partly because many participants already had adequate levels.",
    "The effect of {s} on {o} was larger in {g} than in the general population.",
    "Doses above about {n} units a day brought no extra benefit for {o} in the largest trials.",
    "A systematic review published in {y} rated the certainty of the evidence on {s} as moderate.",
    "Guidelines suggest checking with a clinician before combining {s} with prescription medicines.",
    "Small, consistent habits around {s} tend to matter more than occasional large changes.",
    "People who tracked {s} for {k} weeks reported that the routine became easier over time.",
    "Food labels and apps make it easier to estimate how much {s} you get on a typical day.",
    "The benefit for {o} appeared within {k} months and levelled off after that.",
    "Side effects linked to {s} were uncommon and mostly mild in the trials reviewed.",
    "Experts agree that {s} is no substitute for the basics: sleep, activity and a balanced diet.",
    "Among {g}, low levels of {s} were more common than many clinicians expected.",
    "A {y} guideline recommends discussing {s} at routine check-ups for {g}.",
    "Results for {o} were strongest in studies that lasted longer than {k} months.",
    "Measuring {o} before and after a change in {s} helps you see whether it works for you.",
    "Several of the {n} studies were funded by manufacturers, which the reviewers took into account.",
]

SOURCES = [
    ("Systematic review and meta-analysis of {s} and {o}", "BMJ", "meta-analysis"),
    ("{S}: Fact Sheet for Health Professionals", "NIH Office of Dietary Supplements", "fact-sheet"),
    ("Effect of {s} on {o} in {g}: a randomized controlled trial", "JAMA", "rct"),
    ("{S} intake and long-term {o}: a prospective cohort study", "The Lancet Public Health", "cohort"),
    ("Dietary guidelines on {s}", "World Health Organization", "guideline"),
    ("The role of {s} in {o}: a narrative review", "Nutrients", "review"),
    ("{S} and {o}: a systematic review of trials", "Cochrane Database of Systematic Reviews", "systematic-review"),
]

TAGS = ["heart-health", "bone-health", "sleep", "exercise", "supplements", "gut-health", "ageing",
        "energy", "weight", "immunity", "vitamins", "minerals", "walking", "protein", "fiber"]


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def toml_str(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def capitalise(text):
    return text[:1].upper() + text[1:]


def article(i, rng, categories, authors, reviewers, images, start, span_days):
    category = categories[i % len(categories)]
    subject = rng.choice(SUBJECTS.get(category, SUBJECTS["nutrition"]))
    angle = ANGLES[(i // len(categories)) % len(ANGLES)]
    slug = f"{slugify(subject)}-{slugify(angle)}-{i + 1:04d}"
    title = f"{capitalise(subject)}: {angle} (No. {i + 1})"
    group, outcome = rng.choice(GROUPS), rng.choice(OUTCOMES)
    fill = lambda template: template.format(  # noqa: E731
        s=subject, S=capitalise(subject), g=rng.choice(GROUPS), o=rng.choice(OUTCOMES),
        n=rng.randint(5, 60), m=rng.randint(2, 90) * 1000 + rng.randint(0, 999),
        k=rng.randint(2, 12), y=rng.randint(2015, 2025))

    n_sources = rng.randint(2, 4)
    sources = [SOURCES[j] for j in rng.sample(range(len(SOURCES)), n_sources)]

    # Body: 5 sections of 2 paragraphs of 4-5 sentences: about 800 words.
    sections, paragraphs = [], []
    for title_template in rng.sample(SECTION_TITLES, 5):
        section = []
        for _ in range(2):
            sentences = [fill(t) for t in rng.sample(SENTENCES, rng.randint(4, 5))]
            section.append(sentences)
            paragraphs.append(sentences)
        sections.append((title_template.format(s=subject), section))
    # Every source cited at least once: source k at the end of paragraph k (then at random).
    citations = {idx: [] for idx in range(len(paragraphs))}
    for k in range(n_sources):
        citations[k * 2 + 1].append(k + 1)
    for _ in range(3):
        citations[rng.randrange(len(paragraphs))].append(rng.randint(1, n_sources))
    body, p = [], 0
    intro = (f"{capitalise(subject)} comes up often in questions from readers. "
             f"This guide sets out what studies in {group} and other groups say about {subject} and {outcome}, "
             f"and where the evidence is still thin.")
    body.append(intro)
    for heading, section in sections:
        body.append(f"## {heading}")
        for sentences in section:
            marks = "".join(f"[^{c}]" for c in sorted(set(citations[p])))
            body.append(" ".join(sentences) + marks)
            p += 1

    summary = " ".join(paragraphs[j][0] for j in (0, 3, 6))
    takeaways = [sections[j][1][0][1] for j in range(3)]
    description = f"What research says about {subject} and {outcome}, who benefits, and how to use it safely."[:200]

    published = start + dt.timedelta(days=rng.randrange(span_days))
    updated = published + dt.timedelta(days=rng.randint(0, 120))
    author = authors[i % len(authors)]
    reviewer = next((r for r in reviewers if r != author), None) if i % 3 == 0 else None

    out = ["+++", f"slug = {toml_str(slug)}", f"title = {toml_str(title)}",
           f"description = {toml_str(description)}", f"category = {toml_str(category)}",
           "tags = [" + ", ".join(toml_str(t) for t in rng.sample(TAGS, 3)) + "]",
           f"author = {toml_str(author)}"]
    if reviewer:
        out += [f"reviewed_by = {toml_str(reviewer)}", f"last_reviewed = {updated.isoformat()}",
                f"review_by = {(updated + dt.timedelta(days=365)).isoformat()}"]
    out += [f"published = {published.isoformat()}", f"updated = {updated.isoformat()}",
            f"summary = {toml_str(summary)}", "key_takeaways = ["]
    out += [f"  {toml_str(t)}," for t in takeaways]
    image = images[i % len(images)]
    out += ["]", "", "[hero]", f'src = "images/{image}"',
            f"alt = {toml_str(f'An illustration for an article about {subject}.')}",
            "width = 1200", "height = 630", "", "[disclosures]", "affiliate = false", "medical = true"]
    for k, (t, publisher, kind) in enumerate(sources):
        out += ["", "[[sources]]", f"title = {toml_str(fill(t))}", f"publisher = {toml_str(publisher)}",
                f"year = {rng.randint(2012, 2025)}", f'doi = "10.{1000 + i}/bench.{i + 1}.{k + 1}"',
                f'kind = "{kind}"']
    if updated != published:
        out += ["", "[[revisions]]", f"date = {updated.isoformat()}", 'note = "Updated with newer studies."']
    out += ["", "[[revisions]]", f"date = {published.isoformat()}", 'note = "First published."', "+++", ""]
    return slug, "\n".join(out) + "\n\n".join(body) + "\n"


def category_keys(path):
    keys = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\[([a-z0-9-]+)\]\s*$", line.strip())
            if m:
                keys.append(m.group(1))
    return keys


def author_keys(path):
    authors, reviewers, current = [], [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            m = re.match(r"^\[([a-z0-9-]+)\]$", line)
            if m:
                current = m.group(1)
                authors.append(current)
            elif current and re.match(r"^reviewer\s*=\s*true", line):
                reviewers.append(current)
    return authors, reviewers


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--content", default=os.path.join(os.path.dirname(__file__), "..", "content"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    src, out = os.path.abspath(args.content), os.path.abspath(args.out_dir)
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    for name in ("authors.toml", "categories.toml", "site.toml", "tips.toml"):
        shutil.copy2(os.path.join(src, name), out)
    for name in ("pages", "images", "articles"):
        shutil.copytree(os.path.join(src, name), os.path.join(out, name))
    # The editors' search synonyms (content/search/synonyms.toml), where the site has them.
    if os.path.isdir(os.path.join(src, "search")):
        shutil.copytree(os.path.join(src, "search"), os.path.join(out, "search"))

    categories = category_keys(os.path.join(out, "categories.toml"))
    authors, reviewers = author_keys(os.path.join(out, "authors.toml"))
    images = sorted(f for f in os.listdir(os.path.join(out, "images")) if f.endswith((".svg", ".png", ".jpg", ".jpeg")))
    if not categories or not authors or not images:
        sys.exit("gen_catalogue: no categories, authors or images found in " + src)

    rng = random.Random(args.seed)
    start, span = dt.date(2024, 1, 1), (dt.date(2026, 6, 30) - dt.date(2024, 1, 1)).days
    words = 0
    for i in range(args.articles):
        slug, text = article(i, rng, categories, authors, reviewers, images, start, span)
        words += len(text.split("+++", 2)[2].split())
        with open(os.path.join(out, "articles", slug + ".md"), "w", encoding="utf-8") as f:
            f.write(text)
    total = len([f for f in os.listdir(os.path.join(out, "articles")) if f.endswith(".md")])
    print(f"gen_catalogue: wrote {args.articles} articles (~{words // max(args.articles, 1)} words each); "
          f"{total} articles in {out}/articles")


if __name__ == "__main__":
    main()
