"""Pages from other cities and layouts, shared by tests/test_segment.py and tests/test_metrics.py.

A web article (苏州) with 发布时间/来源 and 责任编辑 lines, a paper page of 镇 reports under a section
heading (上海 嘉定), and a page saved as GB18030 with CRLF line ends (成都). Written in the style
of those sources, not taken from the sample corpus.
"""
SUZHOU_WEB = """姑苏区双塔街道：“红色物业”让老旧小区焕新颜

发布时间：2023-06-08 10:21　　来源：姑苏区融媒体中心

6月7日上午，双塔街道在锦帆路社区召开老旧小区改造推进会，街道、社区、物业公司和居民代表40余人参加。

今年以来，双塔街道完成老旧小区改造12个，惠及居民3200余户，新增停车泊位260个，加装电梯8部。

下一步，街道将继续推动“红色物业”全覆盖，让居民住得更舒心。

责任编辑：周敏
"""
JIADING_TOWNS = "\n\n".join([
    "乡村振兴",
    "马陆镇\n人居环境整治“回头看”",
    "本报讯（记者 陈晨 通讯员 刘洋）10月15日，嘉定区马陆镇组织镇村干部、志愿者200余人，"
    "对全镇12个村开展人居环境整治“回头看”，清理河道垃圾36吨，拆除违章搭建45处、面积1200平方米。",
    "据介绍，马陆镇今年以来已累计整治村宅道路18公里，村民满意率达95%。",
    "华亭镇召开垃圾分类推进会",
    "本报讯 10月16日，华亭镇召开垃圾分类工作推进会，各村分管负责人参加。会议要求各村在月底前完成分类投放点改造。",
]) + "\n"
CHENGDU_GB18030 = ("锦江区\r\n春熙路街道开展文明劝导\r\n\r\n"
                   "本报讯　3月12日，春熙路街道组织志愿者80余名在商圈开展文明劝导，"
                   "劝导不文明行为320余起，发放倡议书1500份。\r\n记者　李雪　通讯员　张强\r\n").encode("gb18030")
