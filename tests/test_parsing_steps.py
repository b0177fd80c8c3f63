"""Each step of the message parser on its own (issue 14): gate, commands, model names, media, options,
prompt."""

from __future__ import annotations

import re

import pytest

from core.parsing import commands, gate, media, models, options, prompt
from core.parsing.vocab import alternation, fix_typos

from .test_intent_corpus import catalogues, parse_cpu_time


# ── gate ─────────────────────────────────────────────────────────────────────────────────────
def test_clauses_break_at_sentence_punctuation_and_then_but_not_inside_versions_or_ratios():
    parts = [c.text.strip() for c in gate.clauses("hi! draw a cat in 16:9 with veo 3.1, then make it move?")]
    assert parts == ["hi", "draw a cat in 16:9 with veo 3.1", "make it move?"]


@pytest.mark.parametrize("text", ["nice", "thanks a lot", "哈哈哈", "wow the second one looks so good",
                                  "这张图好好看啊", "lmao the dog has 5 legs", "so cool!!", "太好看了吧"])
def test_small_talk_is_social(text):
    assert gate.social(text)


@pytest.mark.parametrize("text", ["draw a cat", "a flyer for a rap battle", "wow, draw a cat"])
def test_requests_are_not_social(text):
    assert not gate.social(text)


@pytest.mark.parametrize("text, kind", [
    ("can you make videos?", "help"), ("你能做视频吗", "help"), ("what's my balance?", "usage"),
    ("how much does a video cost?", "help"), ("can you draw a cat in a hat?", None),
    ("is it possible to make a video of a cat dancing?", None), ("能让这张图里的瀑布流动起来吗", None),
    ("what about something spooky?", "maybe"), ("why is it so slow?", "chat"),
])
def test_questions_are_sorted_into_what_answers_them(text, kind):
    assert gate.is_question(text)
    assert gate.question_kind(text, 0) == kind


@pytest.mark.parametrize("text, kind", [
    ("draw me a dragon?", None), ("画一只猫好吗", None), ("来首歌行不行", None),
    ("做首歌贵不贵", "help"),
    ("a cat surfing?", "maybe"), ("make what?", "chat"), ("画完了吗", "chat"), ("会画画不", "help"),
    ("画一张图要多少点数", "help"), ("还有多少点数", "usage"), ("谁把机器人拉进群的？", "chat"),
])
def test_a_request_asked_with_a_question_mark_is_a_request_and_price_questions_list_prices(text, kind):
    assert gate.is_question(text)
    assert gate.question_kind(text, 0) == kind


@pytest.mark.parametrize("text, wished", [
    ("I wish I had a picture of a lighthouse in a storm", "a picture of a lighthouse in a storm"),
    ("要是有张猫的图就好了", "张猫的图"), ("wish someone would make me a lofi track", "make me a lofi track"),
    ("真希望我也会画画", ""), ("wish there was a song about my dog", "a song about my dog"),
    ("draw a house, i wish i had one", None), ("画一个希望之光的插画", None),
    ("真希望你能帮我画一只猫", None),
])
def test_a_wish_names_what_might_be_made_or_nothing(text, wished):
    span = gate.wished(text)
    assert (text[span[0]:span[1]].strip() if span else None) == wished


@pytest.mark.parametrize("text, asked", [
    ("if you can, a video of a cat surfing", "a video of a cat surfing"),
    ("可以的话帮我画一只狐狸", "帮我画一只狐狸"),
    ("if you could make me a beat that'd be great", "make me a beat"),
    ("要是能帮我画一只柴犬就太好了", "帮我画一只柴犬"), ("方便的话", ""), ("if you can't, never mind", None),
])
def test_conditional_courtesy_is_set_aside(text, asked):
    start, end = gate.courtesy(text)
    assert (text[start:end].strip() if (start, end) != (0, len(text)) else None) == asked


@pytest.mark.parametrize("text", [
    "next week we'll need a banner for the launch", "明天我再让它画海报", "等下班了我再让机器人做个视频",
    "下周要做一个发布会的海报", "老板说以后海报都让机器人做", "my friend says the bot draws better than me",
    "bro is cracked at posters", "你画的图手指总是不对", "大家看看这个机器人画的图", "这个机器人做视频挺快的",
])
def test_plans_reported_speech_and_talk_about_the_bot_are_chat(text):
    assert gate.chatty(text)


@pytest.mark.parametrize("text", ["明天要用的海报", "tomorrow's weather as a cartoon poster",
                                  'make a poster that says "see you tomorrow"',
                                  "bro just make a video of a cat"])
def test_a_time_word_or_a_form_of_address_inside_a_request_leaves_it_a_request(text):
    assert not gate.chatty(text)


@pytest.mark.parametrize("text, expected", [
    ("a majestic lion on a cliff at sunrise", True), ("neon tokyo street at night", True),
    ("一只戴墨镜的柴犬", True),
    ("too dark", False), ("pretty cool tbh", False), ("颜色好看", False), ("cats", False),
])
def test_a_bare_description_must_read_like_one(text, expected):
    assert gate.descriptive(text) is expected


@pytest.mark.parametrize("text, expected", [
    ("my buddy generated a video of his dog with this bot", True),
    ("made a sick beat last night with suno", True), ("last week someone posted a cat video here", True),
    ("我昨天用可灵做了个视频", True), ("上周我画了一只猫给女朋友", True),
    ("a dragon made of fire", False), ("一只猫画了一幅画", False),
    ("can you make what my friend made?", False),
    ("my dog painted in van gogh style", False), ("帮我画一只猫", False),
])
def test_a_story_about_what_already_happened_is_not_a_request(text, expected):
    assert gate.past_story(text.lower()) is expected


@pytest.mark.parametrize("text", ["背景音乐好有感觉", "第三张最好看", "之前用海螺做的视频效果一般",
                                  "这个 poster 太绝了", "that poster came out great"])
def test_a_verdict_on_a_result_is_small_talk_even_when_it_names_the_media(text):
    assert gate.social(text) or gate.chatty(text)


@pytest.mark.parametrize("text", ["帮我做一个效果很酷的视频", "把背景换成海边"])
def test_a_verdict_word_inside_a_request_does_not_make_it_talk(text):
    assert not gate.social(text)


def test_gibberish_and_symbols_are_not_prompts():
    assert gate.is_gibberish("asdfghjkl") and gate.is_gibberish("🔥🔥🔥") and not gate.is_gibberish("a red "
                                                                                                 "fox")


# ── commands ─────────────────────────────────────────────────────────────────────────────────
def test_a_clause_is_a_command_only_when_nothing_else_is_said():
    assert commands.commands_in("meh, not great, switch model") == ["try_another"]
    assert commands.commands_in("switch model and redo it") == ["try_another", "again"]
    assert commands.commands_in("reset the scene to night time") is None
    assert commands.leading_command("reset and draw a fox") == (["reset_preference"], len("reset and "))
    assert commands.main_kind(["try_another", "again"]) == ("try_another", [])
    assert commands.commands_in("reset 一下我的 preferences") == ["reset_preference"]
    assert commands.commands_in("cancel掉刚才那个") == ["cancel"]
    assert commands.commands_in("再来两张") == ["again"]


def test_chinese_chat_breaks_clauses_at_a_space_between_chinese_words():
    parts = [c.text for c in gate.clauses("啊这 手都画崩了 换个模型试试吧")]
    assert parts == ["啊这", "手都画崩了", "换个模型试试吧"]
    assert [c.text for c in gate.clauses("cancel 掉刚才那个")] == ["cancel 掉刚才那个"]


@pytest.mark.parametrize("text, kind", [
    ("yep go for it", "yes"), ("好的，生成吧", "yes"), ("yes，就这个", "yes"), ("nah leave it", "no"),
    ("不用了", "no"), ("nope 不用", "no"), ("forget me pls", "forget_me"),
    ("删掉我的所有数据，忘了我吧", "forget_me"), ("what's my current default model?", "show_preferences"),
    ("我的 preference 现在是啥", "show_preferences"),
    ("which model are you using for my images?", "show_preferences"),
    ("yes, a cat in a hat", None), ("你好", None), ("lol do it again", None), ("好的谢谢", None),
    ("forget me and draw a cat", None),
])
def test_a_whole_message_reply_is_only_that_reply(text, kind):
    assert commands.reply_kind(text) == kind


# ── model names ──────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("text, category, model_id", [
    ("kling 2.6 please", "text_to_video", "kling-v2-6"), ("kling please", "text_to_video", "kling-video-o1"),
    ("海螺02", "text_to_video", "MiniMax-Hailuo-02"), ("海螺", "text_to_video", "MiniMax-Hailuo-2.3"),
    ("vidu", "image_to_video", "viduq2-pro"), ("vidu", "text_to_video", "viduq2"),
    ("nano banana pro", "text_to_image", "gemini-3-pro-image"),
    ("香蕉", "text_to_image", "gemini-3.1-flash-image"),
])
def test_longest_most_specific_name_wins_and_a_family_name_is_the_catalogues_first(text, category, model_id):
    found = models.find_models(text, catalogues())
    assert len(found) == 1
    assert found[0].resolve(catalogues()[category]).model_id == model_id


def test_pixverse_versions_keep_their_version():
    ref = models.find_models("pixverse v4 clip", catalogues())[0]
    assert ref.resolve(catalogues()["text_to_video"]).key == "pixverse-v4"


def test_a_model_that_makes_one_media_says_which_and_ordinary_words_are_not_models():
    ref = models.find_models("use kling o1 a cat surfing", catalogues())[0]
    assert models.media_of(ref, catalogues()) == {"video"}
    assert models.find_models("draw sonic the hedgehog eating a banana", catalogues()) == []


# ── media ────────────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("text, expected", [
    ("an album cover for my song", "image"), ("a flyer for a rap battle", "image"),
    ("a banner for our film club", "image"),
    ("a still of an animated-film hero", "image"), ("BGM for a cooking video", "music"),
    ("a music video of a band", "video"),
    ("给我的视频配一段音乐", "music"), ("给我的歌做个封面", "image"),
    ("a cat watching a movie on the couch", None),
    ("animate a paper boat", "video"), ("两个人在海边跳舞的视频", "video"),
])
def test_the_head_noun_decides_the_media(text, expected):
    assert media.detect(text) == expected


def test_motion_words_with_a_picture_mean_video():
    assert media.detect("make this photo move", images=1) == "video"
    assert media.detect("让图里的人挥挥手", images=1) == "video"


# ── options ──────────────────────────────────────────────────────────────────────────────────
def test_quoted_lyrics_end_at_the_closing_quote():
    lyrics, rest = options.take_lyrics('song with lyrics "hello sunshine, good morning", female vocals, 30 '
                                       'seconds')
    assert lyrics == "hello sunshine, good morning" and "female vocals, 30 seconds" in rest
    found, rest = options.take_options(rest, "music", 0, lyrics=lyrics)
    assert found.options == {"duration": 30, "vocal_gender": "female", "custom_mode": True, "lyrics": lyrics}


def test_typos_do_not_lose_the_count_and_one_is_no_count():
    found, rest = options.take_options(fix_typos("3 imgaes of a cat"), None, 0)
    assert found.n == 3 and rest.split() == ["images", "of", "a", "cat"]
    assert options.take_options("画一张猫", None, 0)[0].n is None


def test_an_option_goes_with_the_word_that_introduced_it():
    found, rest = options.take_options("a cat in 4k", "image", 0)
    assert found.options == {"size": "4K"} and rest.strip() == "a cat"


# ── prompt ───────────────────────────────────────────────────────────────────────────────────
@pytest.mark.parametrize("text, expected", [
    ("please draw me a picture of a castle", "a castle"), ("a clip of a paper boat", "a paper boat"),
    ("make it a video", ""), ("生成一段猫咪跳舞的视频", "猫咪跳舞"),
    ("🎨 draw a sunflower 🌻", "a sunflower"), ("a  icon of a rocket", "an icon of a rocket"),
])
def test_prompt_cleanup_leaves_no_scraps(text, expected):
    assert prompt.clean_prompt(text) == expected


def test_vocabulary_lists_become_one_longest_first_pattern():
    import re

    pattern = re.compile(alternation(["make", "make it", "make it move"]), re.I)
    assert pattern.match("make it move now").group(0) == "make it move"
    assert pattern.match("maker") is None


# ── media, model and options through the public entry (core.intent.parse) ─────────────────────
def _parse(text, images=0):
    from core.intent import parse

    return parse(text, images, catalogues())


@pytest.mark.parametrize("text, images, task_type", [
    ("use the cheapest model for a cat video", 0, "text_to_video"),  # strategy words are no subject
    ("做一个B站视频封面，主题是手工皮具制作", 0, "text_to_image"),  # the last noun of a compound is the head
    ("yo can u animate a dragon landing on a castle tower", 0, "text_to_video"),
    ("换成动漫风格，谢谢", 1, "image_to_image"),  # 动漫 is a style, not movement
    ("make the clouds drift slowly", 1, "image_to_video"),
    ("put the dog from pic 1 into the living room in pic 2", 2, "image_to_image"),  # an edit of two pictures
    ("first frame / last frame attached. the kid grows into an old man, 10s", 2, "first_last_frame_to_video"),
    ("turn these into a video", 2, "first_last_frame_to_video"),
    ("here are 3 refs of our mascot, make a clip of him dancing at a wedding", 3, "reference_image_to_video"),
    ("make a video of these two characters dancing", 2, "reference_image_to_video"),
])
def test_what_is_made_follows_the_head_noun_the_pictures_and_the_motion(text, images, task_type):
    assert _parse(text, images).task_type == task_type


def test_a_model_named_alone_at_the_start_counts_and_several_pictures_pick_from_the_reference_catalogue():
    intent = _parse("wan, 1080p, 10s — slow zoom in while the candles flicker", 1)
    assert (intent.task_type, intent.model_mode) == ("image_to_video", "this_time")
    assert catalogues()["image_to_video"].by_key(intent.model_key).model_id == "wan2.6-i2v"
    assert _parse("sonic, running through a loop").model_key is None  # the hedgehog, not the model
    intent = _parse("here are 3 refs of our mascot, make a clip of him dancing at a wedding, vidu", 3)
    assert catalogues()["reference_image_to_video"].by_key(intent.model_key).model_id == "viduq2"


@pytest.mark.parametrize("text, prompt", [
    ("make a poster with banana leaves", "a poster with banana leaves"),
    ("a cake with banana slices, photo", "a cake with banana slices"),
    ("make a poster on banana leaves", "a poster on banana leaves"),
    ("画一根香蕉", "一根香蕉"), ("画一张香蕉的海报", "香蕉的海报"), ("一只猴子拿着香蕉", "一只猴子拿着香蕉"),
    ("画一串小香蕉", "一串小香蕉"),
])
def test_a_model_nickname_that_is_an_everyday_word_inside_a_description_is_the_word(text, prompt):
    intent = _parse(text)
    assert (intent.request, intent.model_key, intent.prompt) == (True, None, prompt)


@pytest.mark.parametrize("text, model_id, prompt", [
    ("use nano banana for a cat", "gemini-3.1-flash-image", "a cat"),
    ("draw a cat with nano banana", "gemini-3.1-flash-image", "a cat"),
    ("draw a cat with banana, please", "gemini-3.1-flash-image", "a cat"),
    ("draw a cat in banana", "gemini-3.1-flash-image", "a cat"),
    ("banana pro a cat", "gemini-3-pro-image", "a cat"),
    ("用香蕉画一只猫", "gemini-3.1-flash-image", "一只猫"),
    ("香蕉，画一只猫", "gemini-3.1-flash-image", "一只猫"),
    ("用小香蕉画一只狗", "gemini-3.1-flash-image", "一只狗"),
])
def test_a_model_nickname_that_is_an_everyday_word_used_as_a_model_is_the_model(text, model_id, prompt):
    intent = _parse(text)
    assert intent.request and intent.prompt == prompt
    assert catalogues()["text_to_image"].by_key(intent.model_key).model_id == model_id


@pytest.mark.parametrize("text", ["always use kling for my videos from now on", "make veo my default",
                                  "以后 video 都用 kling",
                                  "ugh too pricey. just always go with the cheapest one",
                                  "从现在开始画图用即梦", "从今天起视频都用可灵",
                                  "from now on use seedream for pictures",
                                  "以后都用即梦 画海报", "以后视频都用可灵 省点积分"])
def test_always_with_nothing_to_make_is_a_preference_and_charges_nothing(text):
    intent = _parse(text)
    assert intent.kind == "set_preference" and intent.model_mode == "always" and not intent.request


@pytest.mark.parametrize("text, model_id, prompt", [
    ("always use kling, a cat surfing", "kling-video-o1", "a cat surfing"),
    ("以后都用即梦 画积分海报", "doubao-seedream-4.5", "积分海报"),
    ("从现在开始用即梦 画积分海报", "doubao-seedream-4.5", "积分海报"),
    ("从现在开始画图用即梦，先画一只猫", "doubao-seedream-4.5", "一只猫"),
])
def test_always_said_with_something_to_make_saves_the_default_and_makes_it(text, model_id, prompt):
    intent = _parse(text)
    assert (intent.kind, intent.request, intent.model_mode) == ("generate", True, "always")
    assert intent.prompt == prompt
    assert catalogues()[intent.task_type].by_key(intent.model_key).model_id == model_id


def test_from_now_on_with_no_model_named_sets_no_default():
    intent = _parse("从现在开始用心画画")  # 用心: with care, not "use"
    assert intent.model_mode is None and intent.model_key is None


@pytest.mark.parametrize("text, expected", [
    ("Could you please generate a logo for my band? Something retro, 70s typography", {}),
    ("an 80s synthwave track", {}), ("a 1990s anime style image of a girl", {}),
    ("a 30s clip of a cat", {"duration": 30}), ("the 60s vibe song, 30s", {"duration": 30}),
    ("can u make an album cover for my lofi EP? muted greens, rainy window", {}),
    ("a video of a forest, silent", {"generate_audio": False}),
    ("make a phone wallpaper of a neon koi pond at night, 2k pls", {"size": "2K"}),
    ("a square image of a cat", {"aspect_ratio": "1:1"}),
])
def test_eras_colours_places_and_nouns_are_not_options(text, expected):
    intent = _parse(text)
    assert {k: v for k, v in intent.options.items() if k != "custom_mode"} == expected


def test_option_labels_and_counts_over_adjectives_leave_a_clean_prompt():
    intent = _parse("a portrait, aspect ratio 3:4")
    assert intent.options == {"aspect_ratio": "3:4"} and intent.prompt == "a portrait"
    intent = _parse("I need 2 short videos of waves crashing on black sand, 720p")
    assert intent.n == 2 and intent.options == {"resolution": "720P"}
    assert _parse("give me 3 cute pixel-art images of frogs").prompt == "cute pixel-art images of frogs"


@pytest.mark.parametrize("text, language", [
    ("can you draw 一只穿汉服的 corgi? lol", "en"),
    ("pls 用 Wan 做个视频：old man feeding pigeons in the park, 5秒", "zh"),
    ("画 a cat wearing sunglasses on the beach", "zh"),
    ("用 nano banana pro 画一张星空下露营帐篷的手机壁纸，4K", "zh"),
])
def test_a_mixed_message_is_answered_in_the_language_of_its_instructions(text, language):
    assert _parse(text).language == language


@pytest.mark.parametrize("part", ["and make it ", "画一只猫并", "well and "])
def test_a_long_message_of_and_parts_is_read_in_linear_time(part):
    """A Feishu message may be 150 KB: one made of thousands of "and …" parts must not hold the bot for
    seconds (each part used to re-read everything before it). Compared by growth, not a time limit: four
    times the text, well under sixteen times the CPU time."""
    short, long = (parse_cpu_time(part * (chars // len(part)) + "switch model", runs=3)
                   for chars in (1500, 6000))
    assert long < 8 * short, (short, long)


@pytest.mark.parametrize("text, images, task_type", [
    ("来张武侠电影男主角的剧照，站在雨夜的竹林里", 0, "text_to_image"),  # in Chinese the head noun comes last
    ("帮我画一个视频剪辑软件的app图标，扁平风", 0, "text_to_image"),
    ("做一张海报宣传我们的电影", 0, "text_to_image"),  # a verb ends the noun phrase: 海报 is the head
    ("做一个视频 展示一张照片慢慢变化", 0, "text_to_video"),
    ("生成一段猫咪看电视的视频", 0, "text_to_video"),
    ("去掉图里那个路人，其他别动", 1, "image_to_image"),  # "别动" asks for no movement
    ("用可灵做首尾帧，从图1的花苞慢慢变成图2盛开的样子", 2, "first_last_frame_to_video"),  # 图1 is attached
    ("参考这两张角色图做个视频：她们在咖啡馆里聊天", 2, "reference_image_to_video"),
    ("写首 city pop，日系，female vocal", 0, "text_to_music"),
])
def test_chinese_head_nouns_attachments_and_music_verbs(text, images, task_type):
    assert _parse(text, images).task_type == task_type


def test_a_clause_that_only_names_the_model_or_strategy_applies_to_the_request_beside_it():
    intent = _parse("这次用 nano banana 2 就行，画个 pixel art 的城堡")
    assert catalogues()["text_to_image"].by_key(intent.model_key).model_id == "gemini-3.1-flash-image"
    assert intent.model_mode == "this_time" and "就行" not in intent.prompt
    intent = _parse("cheapest model pls, just testing: a red apple on a wooden table")
    assert (intent.strategy, intent.prompt) == ("cheapest", "a red apple on a wooden table")
    assert _parse("画一个便宜的塑料玩具恐龙").strategy is None  # a cheap toy is the subject
    assert _parse("cheapest model?").kind == "list_models"  # nothing else asked: the question stands


def test_sound_said_half_in_english_and_counts_before_a_colon():
    assert _parse("hailuo 2.3 带 audio 的，一只金毛在厨房偷吃 pizza").options.get("generate_audio") is True
    assert _parse("万相出两个：外卖小哥在暴雨里骑电动车").n == 2
    assert _parse("4 pictrues of a vintage tram in lisbon at dusk").n == 4
    assert _parse("？？？").language == "zh"


@pytest.mark.parametrize("text, images, expected", [
    # the story or occasion before the request goes, in both languages
    ("for my stream overlay, we're doing a halloween event, so can you draw a pumpkin-headed knight", 0,
     "a pumpkin-headed knight"),
    ("me and my friends are doing a D&D night, can you draw our party camping by a river", 0,
     "our party camping by a river"),
    ("老板让我做个年会的海报，主题是“龙腾虎跃”，红金配色", 0, "年会的海报，主题是“龙腾虎跃”，红金配色"),
    ("给孩子生日用的，画一只恐龙在吃蛋糕", 0, "一只恐龙在吃蛋糕"),
    ("客户那边催了，急需一个产品宣传视频，展示智能手表的功能", 0, "产品宣传视频，展示智能手表的功能"),
    ("for my linkedin, can you make this photo look more professional", 1,
     "make this photo look more professional"),
    # ... but a later verb about "it" or "her" keeps what it refers to
    ("a neon city at night, can you draw it in watercolor", 0,
     "a neon city at night, can you draw it in watercolor"),
    # non-native and wishful leads
    ("I want that you draw a castle on a hill", 0, "a castle on a hill"),
    ("Could you be so kind to draw a forest at night?", 0, "a forest at night"),
    ("would love a song about summer nights and old friends", 0,
     "a song about summer nights and old friends"),
    ("I am want picture of mountain with snow", 0, "mountain with snow"),
    # options and "to choose from" said in the middle
    ("make me a wallpaper, 16:9, of a mountain lake at dawn", 0, "a wallpaper of a mountain lake at dawn"),
    ("出3张给我挑，一只橘猫趴在窗台上晒太阳", 0, "一只橘猫趴在窗台上晒太阳"),
    ("draw 3 versions of a cozy reading nook so i can pick one", 0, "a cozy reading nook"),
    ("我想要一张图片，图片内容是一个宇航员在月球上遛狗", 0, "一个宇航员在月球上遛狗"),
    # edits and animations: the change asked for, without "this photo" framing
    ("这张图帮我改成赛博朋克风格", 1, "改成赛博朋克风格"),
    ("turn this photo into a 5 second video where the cat jumps", 1, "the cat jumps"),
    # talk before the request, in sentences, and asides after it
    ("colors are way too washed out ngl. ok new pic: neon ramen stand in the rain at night", 0,
     "neon ramen stand in the rain at night"),
    ("Hello. My grandson set up this program for me. I would like a picture of a red barn in the snow", 0,
     "a red barn in the snow"),
    ("> someone make a banner for raid night lol\n on it: raid night banner, purple and gold", 0,
     "raid night banner, purple and gold"),
    ("i want a 10 second video of a goth girl skateboarding. just drop it here when its done, its for my "
     "tiktok", 0, "a goth girl skateboarding"),
    ("我开了家烘焙店，能不能帮我做个视频，面包出炉的画面，发抖音用，竖的", 0, "面包出炉的画面"),
    ("小同志你好，我今年六十八了，想请你帮我画一张牡丹花，国画的那种，挂在客厅", 0, "牡丹花，国画的那种"),
    ("工作室接了个民宿的单子，需要一张民宿的宣传图，山间木屋，晨雾，帮我出4张", 0,
     "民宿的宣传图，山间木屋，晨雾"),
    ("下周三产品发布会要用的主视觉，主题是智能手表X3，风格简约", 0,
     "产品发布会要用的主视觉，主题是智能手表X3，风格简约"),
    ("各位好，市场部这边需要一张双11预热海报，主推品是保温杯，今天下班前要，感谢！", 0,
     "双11预热海报，主推品是保温杯"),
    ("Hello, I am teacher. For my class please make video: seed growing into a plant, time-lapse", 0,
     "seed growing into a plant, time-lapse"),
    ("make me a video, 10 seconds long, of a sailboat in a storm, and please make it 1080p and vertical "
     "because it is for my phone", 0, "a sailboat in a storm"),
    ("I would like a picture of a red barn in the snow. Thank you very much. Margaret", 0,
     "a red barn in the snow"),
    ("我要一个视频 about 下雨的东京 street, 请", 0, "下雨的东京 street"),
    ("下个月公司年会，帮我写一首歌，关于团队合作，欢快一点", 0, "关于团队合作，欢快一点"),
    ("领导刚在群里说了，要一张中秋节的海报，月亮兔子月饼，喜庆一点", 0,
     "中秋节的海报，月亮兔子月饼，喜庆一点"),
    ("Good morning! I hope you are well. I need a picture for my church newsletter: a dove over wheat. "
     "God bless", 0, "a dove over wheat"),
    ("so my little sister is obsessed with mermaids lol, could you draw one on a rock? she'd love it", 0,
     "one on a rock"),
    ("draw a cozy cafe, i'll use it as my desktop wallpaper", 0, "a cozy cafe"),
    # a description with a finite verb or a possessive is not a story
    ("a cat sitting on a windowsill. it is raining outside", 0,
     "a cat sitting on a windowsill. it is raining outside"),
    ("our team logo: a fox head, orange and white", 0, "our team logo: a fox head, orange and white"),
    ("@全体成员 下午的分享会需要一张封面图，主题“AI与设计”，科技蓝", 0, "封面图，主题“AI与设计”，科技蓝"),
    ("帮忙做个海报哈，周年庆的，红色喜庆", 0, "海报，周年庆的，红色喜庆"),  # a particle inside
    # lyrics elsewhere: the style stays
    ('write a song with lyrics "you are my sunshine, my only sunshine" in a folk style', 0, "folk style"),
    ("a rock song with these lyrics: [verse] we ride tonight", 0, "a rock song"),
])
def test_the_prompt_is_the_thing_asked_for_without_the_story_around_it(text, images, expected):
    assert _parse(text, images).prompt == expected


@pytest.mark.parametrize("text, kind, charged", [
    ("meh, not feeling it. switch model", "try_another", True),
    ("lmao the goblin has three arms 😭 one more time", "again", True),
    ("这个model太慢了 switch一下", "try_another", True),
    ("取消取消，点错了😅", "cancel", False), ("算了取消吧", "cancel", False),
    ("不太行，换一个模型重新做这个视频：松鼠在钢琴上跑来跑去", "try_another", True),
    ("> can someone make a banner for the raid\nlol no we have a bot for that", "chat", False),
    ("wipe everything you have on me, i'm leaving the server", "forget_me", False),
    ("no, just this once", "no", False), ("以后都给我用最便宜的，学生党没钱😂", "set_preference", False),
    ("always use kling: cyberpunk city", "generate", True),
])
def test_a_command_beside_a_remark_is_the_command_and_a_quoted_line_is_not_the_message(text, kind, charged):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, charged)


@pytest.mark.parametrize("flags", [0, re.I], ids=["as typed", "ignoring case"])
def test_word_edges_are_the_plain_letter_and_digit_classes(flags):
    """The vocabulary's word edges are spelt for a fast compile; they must match exactly where the plain
    classes do, for every letter with case forms (ı İ ſ K …), every ASCII character and a few others."""
    from core.parsing.vocab import WORD_LEFT, WORD_RIGHT

    chars = [chr(c) for c in range(0x20000)  # the last letter with case forms is U+1E943
             if c < 128 or chr(c).lower() != chr(c) or chr(c).upper() != chr(c)] + ["画", "٣", "’", " "]
    pairs = [(WORD_LEFT + "x", r"(?<![a-z0-9'])x", lambda p, c: p.match(c + "x", 1)),
             (WORD_RIGHT, r"(?![a-z0-9])", lambda p, c: p.match(c))]
    for spelt, plain, probe in pairs:
        fast, reference = re.compile(spelt, flags), re.compile(plain, flags)
        assert [c for c in chars if bool(probe(fast, c)) != bool(probe(reference, c))] == []


@pytest.mark.parametrize("text, kind, charged", [
    ("rip my credits 😭 worth it tho, the trailer came out clean", "chat", False),
    ("if @ima-bot draws one more six-fingered elf im uninstalling", "chat", False),
    ("lmao imagine asking the bot for a 4k pic of your own face 💀", "chat", False),
    ("谢谢bot 海报很好看", "chat", False), ("三张图都不错 选第二张吧", "chat", False),
    ("next week I need a logo for my cafe, I will come back when I decide the name", "chat", False),
    ("video generation is so slow today 😤", "chat", False), ("emm 我在想要不要做个视频号", "chat", False),
    ("@ima-bot tavern music for our D&D session tonight, lute and fiddle", "generate", True),
    ("my daughter wants a song about unicorns but she's sleeping now, later ok", "generate", False),
    ("How does this work? I am new, my son installed it", "help", False),
    ("which model am I using now by default?", "show_preferences", False), ("余额查一下", "usage", False),
])
def test_talk_in_busy_channels_is_never_charged_and_a_question_beside_talk_is_answered(text, kind, charged):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, charged)


# ── gate: request shape and signs of talk (wordings nobody on the team wrote are answered, not charged) ──
@pytest.mark.parametrize("text, signal", [
    ("stop making videos of dogs", "negation"), ("别再画猫了", "negation"),
    ("i didn't ask for a video of a dog", "negation"),
    ("your poster was way better than the one my designer made", "comparison"),
    ("可灵的视频比海螺的流畅", "comparison"),
    ("my brother said you could make a video of his wedding", "reported"), ("听说你能做婚礼视频", "reported"),
    ("the video you made yesterday had a glitch", "second_person"), ("你画的猫有五条腿", "second_person"),
    ("we used the bot to make a poster for the party", "past"), ("墙上那张海报是我女儿画的", "past"),
    ("posters of cats are everywhere on this server", "statement"),
    ("someone should make a meme of this", "hypothetical"), ("万一老板要海报呢", "hypothetical"),
    ("如果要做海报的话我自己画就行", "plan"), ("周末准备给我妈做个生日视频", "plan"),
    ("my sister wants a logo, I'll ask her what colors she likes first", "deferral"),
    ("i want to pick again", "own_action"), ("need to trim the clip", "own_action"),
    ("小李说他用可灵做的那个视频被老板夸了", "reported"), ("那首歌我循环了一下午", "past"),
    ("a video of my cat as a pirate lmao", "amused"),
])
def test_a_sign_of_talk_is_named_by_its_class(text, signal):
    assert gate.chat_signal(text) == signal


@pytest.mark.parametrize("text", [
    "a knight made of stained glass, cathedral light", "a cat that was sleeping on a keyboard",
    "一只猫画了一幅画", "stop sign in the rain at night, film noir", "a city with no cars, only bikes",
    "不要文字，一张简约的狐狸logo", 'a poster that says "we were here"',
])
def test_a_description_is_not_talk(text):
    assert gate.chat_signal(text) is None


@pytest.mark.parametrize("text, shaped", [
    ("make the poster you made yesterday again but blue", True), ("can you draw a fox", True),
    ("i'd like a poster of a fox", True), ("帮我画一只猫", True), ("给我来一张海报", True),
    ("hey, please draw a cat", True), ("thanks! now a video of it", False),
    ("imagine a video of my cat", False), ("don't draw a cat", False), ("别再画猫了", False),
    ("my brother made a video", False),
])
def test_a_request_shape_is_a_verb_or_a_polite_lead_at_the_start(text, shaped):
    assert gate.request_shape(text) is shaped


@pytest.mark.parametrize("text, images, kind, gate_said", [
    # talk: negation, comparison, reported speech, remarks about "you", the past, statements about a result
    ("no need for a video of that", 0, "chat", "none"), ("我没让你做视频啊", 0, "chat", "none"),
    ("a poster is way cheaper than hiring a designer", 0, "chat", "none"),
    ("可灵的视频比海螺的流畅", 0, "chat", "none"),
    ("我妈让我帮她做个广场舞的视频 我说我哪会啊😂", 0, "chat", "none"),
    ("你画的猫有五条腿哈哈", 0, "chat", "none"),
    ("the cat picture from earlier is my new wallpaper", 0, "chat", "none"),
    ("a video of the launch is on our drive already", 0, "chat", "none"),
    ("墙上那张猫的海报是我女儿画的", 0, "chat", "none"),
    ("anyone know a good free video editor? need to trim the clip the bot gave me", 0, "chat", "none"),
    ("i drew this myself btw, not ai", 1, "chat", "none"),
    ("this is my garden, I planted all the roses myself 🌹", 1, "chat", "none"),
    # might be a request, might not: one button, never a charge
    ("would be cool if someone made a logo for our clan someday", 0, "generate", "ambiguous"),
    ("imagine a video of my cat as a pirate lmao", 0, "generate", "ambiguous"),
    ("想象一下我家猫当海盗的视频哈哈", 0, "generate", "ambiguous"),
    # shaped like a request, or a plain description beside a story: charged as before
    ("make the poster you made yesterday again but blue", 0, "generate", "request"),
    ("帮我画一只猫，上次那只画得太胖了", 0, "generate", "request"),
    ("a knight made of stained glass, cathedral light", 0, "generate", "request"),
    ("my friend's wedding is next month and they asked me to handle the first dance song, no pressure lmao. "
     "slow acoustic love song, warm", 0, "generate", "request"),
    ("/imagine isometric tiny island with a ramen shop", 0, "generate", "request"),
    ("i'll take a poster of a sunset please", 0, "generate", "request"),
    ("always use kling from now on. first: a horse running on grassland at sunset", 0, "generate", "request"),
    # put off, or the user's own plan: talk, however plainly the thing is named
    ("my sister wants a logo for her bakery, I'll ask her what colors she likes first", 0, "chat", "none"),
    ("周末准备给我妈做个生日视频，到时候再说", 0, "chat", "none"),
    ("小李说他用可灵做的那个视频被老板夸了", 0, "chat", "none"), ("那首歌我循环了一下午", 0, "chat", "none"),
    # a setting with a remark beside it, deleting one's data, clearing a default: never a generation
    ("from now on use the cheapest models pls, I'm broke", 0, "set_preference", "none"),
    ("always go with the cheapest one for images pls, im broke lol", 0, "set_preference", "none"),
    ("default music = suno", 0, "set_preference", "none"),
    ("以后视频默认veo 别每次都问我了", 0, "set_preference", "none"),
    ("忘掉我吧 把我的记录都删了", 0, "forget_me", "none"),
    ("delete all my data and forget me", 0, "forget_me", "none"),
    ("clear my video default pls, i want to pick again", 0, "reset_preference", "none"),
    ("把我设置的默认图片模型取消掉", 0, "reset_preference", "none"),
    # a question about the attached picture that names a change asks for it; one that names none does not
    ("can u animate this?? 🥺", 1, "generate", "request"),
    ("这张老照片能让爷爷奶奶笑一下吗", 1, "generate", "request"),
    ("what do you think of my drawing?", 1, "chat", "none"),
    # a word people react with, used as an adjective, describes what to make
    ("epic orchestral boss battle theme, choir, war drums", 0, "generate", "request"),
    ("creepy doll sitting in an attic", 0, "generate", "request"),
    ("lol the dog has 5 legs", 0, "chat", "none"),
    # "以后…用" that sets nothing (no model, strategy or option) says what it is for
    ("收藏了 以后做PPT用", 0, "chat", "none"),
    # a command with only options beside it is that command, with the options
    ("one more time pls, vertical this time", 0, "again", "request"),
    # a verb that tells rather than describes: perhaps a description, not clearly one (a button); a narration
    ("the free tier only gives like 3 videos a day", 0, "generate", "ambiguous"),
    ("the logo for the bakery got approved by the client", 0, "generate", "ambiguous"),
    ("posting the wedding clip on insta rn", 0, "generate", "ambiguous"),
    ("poster's printed and on the wall now", 0, "generate", "ambiguous"),
    ("刚收到海报，打印出来效果很好", 0, "chat", "none"), ("我们老板不让用AI做海报", 0, "chat", "none"),
    ("明天的发布会视频还没做完", 0, "chat", "none"),
    ("my teacher wants us to make a poster for science class ourselves", 0, "chat", "none"),
    ("our design team hates ai posters", 0, "generate", "ambiguous"),
    ("every time i ask for a dragon i get a lizard", 0, "generate", "ambiguous"),
    ("昨晚做的视频播放量破万了", 0, "chat", "none"),
    ("音乐有点吵，不太适合晚上听", 0, "generate", "ambiguous"),
    # descriptions that only look like talk: a relative "that", 太阳 (not 太 "too")
    ("a dragon that breathes rainbows", 0, "generate", "request"),
    ("一只橘猫在窗台上晒太阳", 0, "generate", "request"),
    ("my daughter wants a unicorn picture", 0, "generate", "request"),
    ("I would like you to draw a cat in space", 0, "generate", "request"),
    # the price of a kind of result is a question about the bot
    ("how much is one song?", 0, "help", "none"), ("一个视频多少积分", 0, "help", "none"),
])
def test_only_a_request_shape_or_a_plain_description_is_charged_without_asking(text, images, kind, gate_said):
    intent = _parse(text, images)
    assert (intent.kind, intent.gate) == (kind, gate_said), text
    assert intent.request is (gate_said == "request")


# ── commands with words around them (issue 14 item 2), session 6 ──
@pytest.mark.parametrize("text, kind, commands, prompt, n, options", [
    # a command said first makes what follows a request, however bare ("…重新生成：雪山日出")
    ("换个模型重新生成：雪山日出", "try_another", [], "雪山日出", None, {}),
    ("不好看 换个模型重新生成：雪山日出", "try_another", [], "雪山日出", None, {}),
    # what the other model is for is the restated prompt
    ("ugh this is bad, try a different model for a cat in a hat", "try_another", [], "a cat in a hat", None,
     {}),
    # cancel said with its object, then what to make instead: both, in order
    ("please stop the current one and draw a horse instead", "generate", ["cancel"], "a horse", None, {}),
    # again with what to change this time, said in its own clause, or with a count of 个
    ("再来一张 这次要竖屏", "again", [], "", None, {"aspect_ratio": "9:16"}),
    ("再生成两个", "again", [], "", 2, {}), ("再画3个", "again", [], "", 3, {}),
    # a remark after the command stays a remark: the command alone
    ("do it again but same prompt, i wanna compare", "again", [], "", None, {}),
    ("not feeling it, one more time please", "again", [], "", None, {}),
])
def test_a_command_with_words_around_it_does_what_it_says_in_order(text, kind, commands, prompt, n, options):
    intent = _parse(text)
    assert (intent.kind, [c.value for c in intent.commands], intent.prompt, intent.n, intent.options) == (
        kind, commands, prompt, n, options), text
    assert intent.request


# ── gate, session 6: classes of non-request that still reached a charge (blind set 8, our own cases) ──
@pytest.mark.parametrize("text, kind, gate_said", [
    # someone else's request told in the past, quoted in single quotes: talk about it
    ("he typed 'make a video of a dog' and it worked", "chat", "none"),
    ("my cousin prompted 'a cat in a tux' and framed it lol", "chat", "none"),
    # the bot named in the third person as the one asked: told to the channel, not asked of the bot
    ("我同事天天让机器人画猫", "chat", "none"),
    ("my kid always makes the bot draw dinosaurs", "chat", "none"),
    # an opinion asked of the group ("你们觉得…", "…还是…好"): a question, not an ask
    ("你们觉得海报用蓝色好还是红色好", "chat", "none"), ("大家觉得这个视频配什么音乐", "chat", "none"),
    # the user will do it: never charged, however plainly the thing is named
    ("i need to make a poster for school but i'll do it myself", "chat", "none"),
    ("海报的事我自己来", "chat", "none"),
    # a proposal or an aside said while chatting: perhaps a request, so one button
    ("maybe we can do a music video for the band next month", "generate", "ambiguous"),
    ("cute dog pic btw", "generate", "ambiguous"),
    # the bot's own things asked for, a setting with "remember", a reset said in other words, support asked
    ("list models for video", "list_models", "none"), ("show me the video models", "list_models", "none"),
    ("记住 以后画图都用香蕉pro", "set_preference", "none"),
    ("reset my model settings, go back to the defaults", "reset_preference", "none"),
    ("你支持 image to video 吗", "help", "none"),
    # what stays a request: a name given, a quoted sign, a habit of the subject, "myself" about framing it
    ("a portrait of my cat named Tom, oil painting", "generate", "request"),
    ("make a poster that says 'open late' in neon", "generate", "request"),
    ("一只每天晒太阳的橘猫", "generate", "request"),
    ("draw me a cat, i'll frame it myself", "generate", "request"),
    ("画一张海报，蓝色还是红色都行", "generate", "request"),
])
def test_told_asked_of_others_or_done_by_oneself_is_never_charged(text, kind, gate_said):
    intent = _parse(text)
    assert (intent.kind, intent.gate) == (kind, gate_said), text
    assert intent.request is (gate_said == "request")


@pytest.mark.parametrize("text, images, task_type", [
    ("three variations of a jingle for my podcast", 0, "text_to_music"),  # how many of the thing made
    ("can you render a clip of rain on a window", 0, "text_to_video"),  # "render" with its object is a verb
    ("做一个旅行vlog BGM", 0, "text_to_music"),  # a Latin noun after a space goes on the noun phrase
    ("a boss theme for my platformer", 0, "text_to_music"),
    ("让照片里的气球慢慢飘上天", 1, "image_to_video"),  # 画里/照片里 is where, 慢慢 is movement
    ("把第一张的帽子放到第二张图的猫头上", 2, "image_to_image"),  # one picture's thing put into the other
])
def test_what_is_made_from_quantities_verbs_compounds_and_movement(text, images, task_type):
    assert _parse(text, images).task_type == task_type


@pytest.mark.parametrize("text, model_id", [
    ("default image model: seedream", "doubao-seedream-4.5"), ("以后视频默认kling", "kling-video-o1"),
])
def test_a_model_said_as_the_default_is_saved_as_the_preference(text, model_id):
    from core.intent import IntentKind

    intent = _parse(text)
    assert (intent.kind, intent.model_mode, intent.request) == (IntentKind.SET_PREFERENCE, "always", False)
    assert catalogues()[intent.task_type].by_key(intent.model_key).model_id == model_id


def test_what_a_picture_will_be_used_for_later_is_no_default_model():
    intent = _parse("这个我以后当头像用")
    assert intent.model_mode is None and intent.kind != "set_preference"


def test_a_short_family_name_with_its_version_names_that_model():
    intent = _parse("use banana 2 for a fox")
    assert catalogues()["text_to_image"].by_key(intent.model_key).model_id == "gemini-3.1-flash-image"


def test_lyrics_below_a_line_that_names_them_keep_the_instructions_of_that_line():
    intent = _parse("write a song using my lyrics, sad ballad, male voice:\nline one\nline two")
    assert intent.options["lyrics"] == "line one\nline two"
    assert intent.options["vocal_gender"] == "male" and "sad ballad" in intent.prompt


def test_a_model_that_makes_one_media_sets_it_over_a_noun_in_the_description():
    intent = _parse("vidu: a street market at dusk, an old song playing from a radio")
    assert intent.task_type == "text_to_video"
    assert catalogues()["text_to_video"].by_key(intent.model_key).model_id == "viduq2"


def test_a_model_named_in_small_talk_is_not_chosen():
    intent = _parse("我表哥说他用可灵做的婚礼视频特别好看")
    assert (intent.kind, intent.request, intent.model_key, intent.model_mode) == ("chat", False, None, None)


def test_a_verb_for_another_media_beats_the_models_only_media():
    assert _parse("use suno to draw a cat").task_type == "text_to_image"  # refused later, never a song


# ── session 7 (GATE+MEDIA): classes from dev set 9 ──
@pytest.mark.parametrize("text", ["bot's slow today huh", "ur slow today", "bot's acting weird",
                                  "u r so slow rn lol", "机器人今天好慢"])
def test_a_verdict_said_of_the_bot_is_talk_never_charged(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("chat", False)


def test_a_verdict_on_the_attached_picture_is_talk_and_an_edit_of_it_is_a_request():
    assert _parse("这张图的背景好看", 1).request is False
    intent = _parse("这张合照给每个人加上圣诞帽", 1)
    assert (intent.request, intent.task_type) == (True, "image_to_image")


@pytest.mark.parametrize("text, model_id", [
    ("记住 我做视频只用sora", "sora-2-pro"), ("i only use kling for videos", "kling-video-o1"),
])
def test_the_only_model_a_user_uses_is_a_saved_preference(text, model_id):
    intent = _parse(text)
    assert (intent.kind, intent.model_mode, intent.request) == ("set_preference", "always", False)
    assert catalogues()[intent.task_type].by_key(intent.model_key).model_id == model_id
    assert _parse("只用黑白两色画一只猫").model_mode is None  # "only black and white", no model


@pytest.mark.parametrize("text", ["以后都用最好的模型 不差钱", "always use the cheapest one, i'm broke"])
def test_money_talk_beside_a_preference_leaves_it_a_preference(text):
    intent = _parse(text)
    assert (intent.kind, intent.request) == ("set_preference", False)


@pytest.mark.parametrize("text, kind", [
    ("did i burn through all my points already? 😅", "usage"), ("查下我的balance", "usage"),
    ("what can this bot even do", "help"), ("does it do lyrics or only instrumentals?", "help"),
    ("which models did i set as default again", "show_preferences"), ("好的 就用这个", "yes"),
    ("今晚加班 谁点外卖", "chat"),
])
def test_usage_help_and_replies_in_other_words(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, False)


@pytest.mark.parametrize("text, images, task_type", [
    ("a sea shanty about debugging at 3am, male vocals", 0, "text_to_music"),
    ("ambient drone for a meditation app, no drums", 0, "text_to_music"),
    ("funky bass groove called 'Rin Is Wrong'", 0, "text_to_music"),
    ("a still from a 70s kung fu movie, the hero on a rooftop, film grain", 0, "text_to_image"),  # grain
    ("still of a 90s anime villain monologuing on a rooftop", 0, "text_to_image"),
    ("这个campaign要个KV，主题「城市漫游」", 0, "text_to_image"),
    ("bring this old photo of my great-grandpa to life, he smiles and nods", 1, "image_to_video"),
    ("让这张海报里的灯笼轻轻摇晃起来", 1, "image_to_video"),
])
def test_forms_of_music_stills_work_nouns_and_motion_name_the_media(text, images, task_type):
    intent = _parse(text, images)
    assert (intent.request, intent.task_type) == (True, task_type)


@pytest.mark.parametrize("text", [
    "老板刚说周五前要出三版双十一海报 大家先别急着生成 先把文案对一下",  # reported, then told to the group
    "小红书那边说封面图要统一风格 谁有空整理一下规范", "boss wants the poster by friday, who's on it?",
    "下周618我们组要出一套KV 大家先收集一下reference", "下周我们要做个 trailer，等 build 好了再说",
    "周会纪要：1.活动海报由设计组负责 2.短视频脚本周三前给到 3.音乐版权问题法务跟进",
    "昨天Kling那版比Sora那版自然多了 客户最后选了Kling", "今晚加班 谁点外卖",
])
def test_work_chatter_among_colleagues_is_never_charged(text):
    intent = _parse(text)
    assert intent.request is False and intent.kind == "chat", text


@pytest.mark.parametrize("text", ["以后都用最便宜的 省着点花", "以后视频都用最好的 贵点没关系",
                                  "图片默认用即梦 别老给我换来换去"])
def test_a_default_said_with_money_talk_or_a_complaint_beside_it_is_saved_not_charged(text):
    intent = _parse(text)
    assert (intent.kind, intent.model_mode, intent.request) == ("set_preference", "always", False)


@pytest.mark.parametrize("text, kind, n", [
    ("把我视频那块的偏好清掉", "reset_preference", None),
    ("偏好重置一下 回到出厂设置", "reset_preference", None),
    ("again but give me 3 this time", "again", 3), ("ok that's perfect, do it again but 2 more", "again", 2),
    ("do it again 3 times", "again", 3), ("one more time", "again", None),
    ("不错不错 再来三张一样风格的", "again", 3),
    ("感觉不对味儿，能不能换个模型再出一版", "try_another", None),
    ("lmao the hands are cursed 😭 can u try a different model", "try_another", None),
    ("wait no cancel that i typed the wrong thing", "cancel", None),
])
def test_commands_with_counts_reasons_and_polite_words_around_them(text, kind, n):
    intent = _parse(text)
    assert (intent.kind, intent.n) == (kind, n)


@pytest.mark.parametrize("text, kind", [
    ("这个bot能做BGM吗", "help"), ("这个机器人都能干麻", "help"), ("怎么让它做视频啊 有教程吗", "help"),
    ("图生视频怎么用 是先发图还是先发文字", "help"), ("都支持哪些模型 列一下", "list_models"),
    ("这个月咱们组一共用了多少额度了？财务在问", "usage"), ("what model am i set to rn", "show_preferences"),
    ("我现在默认是什么模型来着", "show_preferences"), ("看下我现在的偏好设置", "show_preferences"),
    ("不用了，谢谢", "no"), ("不要 还是保持原来的", "no"), ("删掉我所有的记录", "forget_me"),
    ("这个视频谁做的 有点东西啊", "chat"), ("asdkjhasdk", "chat"),
])
def test_questions_and_replies_in_other_words_are_answered_not_charged(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, False)


@pytest.mark.parametrize("text, task_type", [
    ("ima-bot is it possible to get a 9:16 vid of fireworks over a harbour for my tiktok", "text_to_video"),
    ("kinda want a video of a lone astronaut eating ramen on mars ngl", "text_to_video"),
    ("pop punk song w/ these lyrics pls [verse] the server's down again [chorus] lag lag", "text_to_music"),
    ("做一段延时摄影 城市从白天到黑夜 高楼的灯一盏一盏亮起来", "text_to_video"),
])
def test_requests_said_politely_hedged_or_with_lyrics_are_charged(text, task_type):
    intent = _parse(text)
    assert (intent.request, intent.task_type) == (True, task_type)


@pytest.mark.parametrize("text, kind", [
    ("can this thing make a 3 minute video", "help"), ("can it make songs in japanese?", "help"),
    ("lmk when the poster is ready", "chat"), ("realistic pics always look uncanny to me", "chat"),
    ("明天开会再讨论海报的事", "chat"), ("设计部那边说logo还要改", "chat"),
    ("刚才那首歌前奏挺好听的 就是副歌有点吵", "chat"), ("哈哈哈哈我室友让它画自己结果画成了土豆", "chat"),
    ("下午开会老板说要做个宣传片，我还没想好内容", "chat"),
])
def test_capability_questions_and_talk_about_results_and_work_are_never_charged(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, False)


@pytest.mark.parametrize("text, task_type", [
    ("can you help me make a poster for my garage sale", "text_to_image"),  # "help" asks for the poster
    ("could you do menu board art for a taco truck, hand drawn chalk", "text_to_image"),  # "menu" is no help
    ("any chance of a wallpaper with a lonely astronaut on the moon?", "text_to_image"),
    ("mind making a short clip of waves at sunset?", "text_to_video"),
    ("双胞胎宝宝满月宴的背景板 粉蓝配色 左右各一只小熊 帮忙画下 感谢感谢", "text_to_image"),
    ("need a 抖音 style vertical video 9:16 of 奶茶 being made", "text_to_video"),  # the option is no noun
    ("给我的 vlog 配个 bgm，japan trip，轻快一点", "text_to_music"),  # the vlog is what the bgm is for
])
def test_polite_and_mixed_language_requests_name_their_media(text, task_type):
    intent = _parse(text)
    assert (intent.request, intent.task_type) == (True, task_type)


@pytest.mark.parametrize("text", ["以后都用 veo 做视频 ok?", "always use kling for videos ok?"])
def test_a_default_asked_only_by_its_tag_is_saved(text):
    intent = _parse(text)
    assert (intent.kind, intent.model_mode, intent.request) == ("set_preference", "always", False)


@pytest.mark.parametrize("text", [
    "i usually use suno for songs", "我一般用suno写歌", "personally i'd go with hailuo for anime clips",
    "原来它还能做音乐", "它居然能做视频", "so it can make 4k wallpapers huh", "sora videos look so real",
    "videos take forever on this thing", "可灵做视频最稳", "海报发群里了 大家看看", "以后有空再玩",
    "kling is my favourite for videos",
])
def test_habits_opinions_and_what_the_bot_can_do_told_as_facts_are_never_charged(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text, task_type", [
    ("can u make this a video", "image_to_video"), ("头发染成红色", "image_to_image"),
    ("ghibli version pls", "image_to_image"), ("去水印", "image_to_image"),
])
def test_a_change_to_the_attached_picture_said_without_a_verb_is_a_request(text, task_type):
    intent = _parse(text, 1)
    assert (intent.request, intent.task_type) == (True, task_type)


def test_morphing_between_two_attached_pictures_is_a_first_and_last_frame_video():
    intent = _parse("morph from the first to the second", 2)
    assert (intent.request, intent.task_type) == (True, "first_last_frame_to_video")
    assert _parse("rate my drawing", 1).request is False


@pytest.mark.parametrize("text", [
    "abort abort wrong prompt", "香蕉pro出图是真的快", "这个能生成音乐不", "这个功能好 以后宣传片都让它做",
    "积分扣了但是没出图", "生成视频要排队吗", "这个我以后当头像用", "gonna use it as my wallpaper lol",
])
def test_commands_complaints_verdicts_and_own_plans_are_never_charged(text):
    assert _parse(text).request is False, text


@pytest.mark.parametrize("text, kind", [
    ("余额查询", "usage"), ("forget my video preference", "reset_preference"),
    ("abort abort wrong prompt", "cancel"), ("生成视频要排队吗", "help"),
])
def test_answers_said_in_few_words(text, kind):
    assert _parse(text).kind == kind


def test_what_a_picture_is_for_later_is_no_default_and_the_request_beside_it_is_made():
    intent = _parse("以后用的头像 帮我画一个")
    assert (intent.request, intent.model_mode, intent.task_type) == (True, None, "text_to_image")
    assert _parse("游戏背景音乐 8bit").task_type == "text_to_music"  # "8bit" is no picture number


def test_a_request_joined_on_after_a_story_in_one_clause_is_a_request_and_words_asked_for_are_not():
    intent = _parse("my dog died last week and i'd love a painting of him in heaven with clouds, he was a "
                    "golden retriever")
    assert (intent.request, intent.task_type) == (True, "text_to_image")
    assert _parse("i had a long day and can you write me a poem about it").request is False


@pytest.mark.parametrize("text, charged", [
    ("我们 PM 说 poster 明天要", False), ("下午开会老板说要做个宣传片，我还没想好内容", False),
    ("女孩对着月亮说晚安", True),  # a scene, not someone reported
])
def test_reported_speech_needs_a_short_speaker_before_说(text, charged):
    assert _parse(text).request is charged


@pytest.mark.parametrize("text, model_id, strategy", [
    ("以后视频就海螺吧", "MiniMax-Hailuo-2.3", None), ("can you remember that i like suno", "sonic", None),
    ("remember i like cheap models", None, "cheapest"), ("用最便宜的就行 以后都是", None, "cheapest"),
])
def test_a_preference_said_as_a_habit_to_remember_is_saved_never_charged(text, model_id, strategy):
    intent = _parse(text)
    assert (intent.kind, intent.model_mode, intent.request, intent.strategy) == (
        "set_preference", "always", False, strategy)
    if model_id:
        assert catalogues()[intent.task_type].by_key(intent.model_key).model_id.startswith(model_id)


@pytest.mark.parametrize("text, options", [
    ("16:9 pls", {"aspect_ratio": "16:9"}), ("same but vertical", {"aspect_ratio": "9:16"}),
    ("4k pls", {"size": "4K"}),
])
def test_only_options_said_is_the_last_request_again_with_them_never_an_empty_prompt(text, options):
    intent = _parse(text)
    assert (intent.kind, intent.request, intent.prompt) == ("again", True, "")
    assert {k: intent.options[k] for k in options} == options
    assert _parse("same").request is False  # "same" alone is "me too"


@pytest.mark.parametrize("text, kind", [("确认生成", "yes"), ("later", "no")])
def test_short_replies(text, kind):
    assert _parse(text).kind == kind


@pytest.mark.parametrize("text, task_type", [
    ("做成一个动态壁纸", "image_to_video"), ("live photo effect pls", "image_to_video"),
    ("turn this into a movie poster", "image_to_image"),  # the poster is made, "movie" describes it
    ("use this as reference for a fantasy portrait", "image_to_image"),
])
def test_what_the_attached_picture_becomes_names_the_media(text, task_type):
    intent = _parse(text, 1)
    assert (intent.request, intent.task_type) == (True, task_type)


@pytest.mark.parametrize("text", [
    "I hate my job and I'd love a vacation", "it's my birthday and i'd love a cake",
    "i'd love a coffee right now",
    "my cat knocked over my coffee and I'd love a new keyboard lol", "any chance of a refund?",
])
def test_a_request_lead_and_an_article_need_something_that_can_be_made_after_them(text):
    assert _parse(text).request is False, text
    assert _parse("my dog died and i'd love a painting of him in heaven").request is True


@pytest.mark.parametrize("text", ["延时了，明天再说", "背景墙刷成白色了", "展板明天到", "art", "kv"])
def test_everyday_words_that_can_name_a_picture_are_no_request_on_their_own(text):
    assert _parse(text).request is False, text
    assert _parse("帮我生成一段延时视频 城市夜景").task_type == "text_to_video"
    assert _parse("pixel art of a cat").request is True


@pytest.mark.parametrize("text, charged", [
    ("这期公众号的头图还没有 辛苦出一张", True), ("市场部需要三张banner 横版", True),
    ("can someone review the promo clip", False), ("客户要一版更活泼的logo 设计组在做了", False),
    ("KV 定稿了 大家辛苦", False),
])
def test_work_requests_to_the_bot_are_charged_and_work_given_to_colleagues_is_not(text, charged):
    assert _parse(text).request is charged


@pytest.mark.parametrize("text, kind", [
    ("you do music too right", "chat"), ("is there a free tier", "help"), ("can i use my own lyrics", "help"),
    ("what resolution are the videos", "help"), ("视频有声音吗", "help"),
])
def test_questions_about_what_the_bot_offers_are_answered_never_charged(text, kind):
    intent = _parse(text)
    assert (intent.kind, intent.request) == (kind, False)


@pytest.mark.parametrize("text, task_type, prompt_text", [
    ("any chance of a song about my cat?", "text_to_music", "a song about my cat"),
    ("is it possible to get a song about my cat", "text_to_music", "a song about my cat"),
    ("any chance of a poster for the event next week?", "text_to_image", "a poster for the event next week"),
])
def test_what_is_asked_for_after_a_polite_lead_is_what_is_made(text, task_type, prompt_text):
    intent = _parse(text)
    assert (intent.request, intent.task_type, intent.prompt) == (True, task_type, prompt_text)


def test_whether_several_can_be_made_at_once_is_a_question_about_the_bot():
    assert _parse("is it possible to have two songs at once").kind == "help"


@pytest.mark.parametrize("text", [
    "usually I draw cats, but today draw me a dog", "i usually draw cats, this time draw me a dog",
    "usually I draw cats, but draw me a dog",
])
def test_a_habit_told_before_a_request_joined_on_is_backstory_and_the_request_is_made(text):
    intent = _parse(text)
    assert (intent.request, intent.prompt) == (True, "a dog"), text


@pytest.mark.parametrize("text, charged", [
    ("超卡通风格的小狗", True), ("画一只超酷的猫", True), ("这个视频好卡", False), ("太卡了吧", False),
])
def test_a_one_character_verdict_is_a_verdict_only_where_its_word_ends(text, charged):
    assert _parse(text).request is charged, text


@pytest.mark.parametrize("text, prompt_text", [
    ("draw my friend Ima smiling", "my friend Ima smiling"), ("ima pls draw a cat", "a cat"),
    ("draw a cat, ima", "a cat"), ("hey ima draw a fox", "a fox"),
])
def test_the_bots_name_is_dropped_where_it_is_addressed_and_kept_as_someones_name(text, prompt_text):
    assert _parse(text).prompt == prompt_text


@pytest.mark.parametrize("text, charged", [
    ("空气污染好严重", False), ("朋友圈动态都是广告", False), ("头发染成红色", True), ("染个金发", True),
    ("做成动态的", True),
])
def test_everyday_words_holding_an_edit_or_motion_character_are_no_change_asked_for(text, charged):
    assert _parse(text, 1).request is charged, text
